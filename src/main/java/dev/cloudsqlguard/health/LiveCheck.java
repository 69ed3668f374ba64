package dev.cloudsqlguard.health;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.loop.ProbeLoop;
import dev.cloudsqlguard.state.GuardStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: UP while the probe loop keeps ticking. A database outage never makes
 * it DOWN: restarting the guard cannot fix the database and would only restart pods in a loop.
 */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {

    @Inject
    GuardStateStore store;

    @Inject
    ProbeLoop loop;

    @Override
    public HealthCheckResponse call() {
        Instant beat = store.lastBeat();
        Duration since = Duration.between(beat, Instant.now());
        GuardSettings settings = loop.settings();
        Duration limit = stallLimit(settings);
        boolean ticking = since.compareTo(limit) <= 0;
        return HealthCheckResponse.named("cloudsql-guard-probe-loop")
                .status(ticking)
                .withData("last_tick", beat.toString())
                .withData("since_last_tick_ms", since.toMillis())
                .withData("stall_limit_ms", limit.toMillis())
                .build();
    }

    /**
     * The longest a healthy loop can go without ticking: the slowest probe (every stage hitting
     * its timeout, plus DNS) and the longest pause, three times over for scheduling noise.
     */
    static Duration stallLimit(GuardSettings settings) {
        if (settings == null) {
            return Duration.ofSeconds(30);
        }
        Duration slowestProbe = settings.probe().timeout().multipliedBy(5);
        Duration longestPause = settings.probe().interval().compareTo(settings.circuit().recheckInterval()) > 0
                ? settings.probe().interval() : settings.circuit().recheckInterval();
        return slowestProbe.plus(longestPause).multipliedBy(3).plusSeconds(5);
    }
}
