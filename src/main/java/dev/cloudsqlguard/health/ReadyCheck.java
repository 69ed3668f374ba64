package dev.cloudsqlguard.health;

import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: UP while every required target has started and its circuit is CLOSED (or
 * forced closed). DOWN tells the app, and the platform, to fail fast instead of queueing on a
 * database that will not answer.
 */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {

    @Inject
    GuardStateStore store;

    @Override
    public HealthCheckResponse call() {
        GuardState state = store.current();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("cloudsql-guard-ready").status(state.ready());
        HealthData.describe(b, state, (data, t) -> {
            data.withData("circuit_since", t.circuit().since().toString());
            data.withData("circuit_why", t.circuit().why());
        });
        return b.build();
    }
}
