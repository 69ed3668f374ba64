package dev.cloudsqlguard.loop;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.TargetState;
import dev.cloudsqlguard.state.TargetTracker;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The probe loops, one {@link TargetLoop} per target, and the one place they publish: each result
 * becomes the new immutable state in {@link GuardStateStore} and one {@link GuardUpdate} to the
 * signals, in sequence order across targets. Everything else reads the published state; nothing
 * else touches the database.
 */
@ApplicationScoped
public class ProbeLoop implements TargetLoop.Publisher {

    private static final Logger LOG = Logger.getLogger(ProbeLoop.class);
    /** How long a stop waits for the loops' threads (a probe in progress is interrupted). */
    private static final Duration STOP_BOUND = Duration.ofMillis(500);

    @Inject
    EpollVertx epollVertx;

    @Inject
    GuardStateStore store;

    @Inject
    Event<GuardUpdate> updates;

    private final Clock clock = Clock.systemUTC();
    private final Map<String, TargetLoop> loops = new LinkedHashMap<>();
    private volatile GuardSettings settings;

    /**
     * Builds one loop per target from validated settings and publishes the first state (every
     * target, not yet probed), so that the signals can start from it. Called once, by the main
     * entry point.
     */
    public synchronized void prepare(GuardSettings settings) {
        if (this.settings != null) {
            throw new IllegalStateException("probe loop already prepared");
        }
        this.settings = settings;
        for (TargetSettings target : settings.targets()) {
            TargetLoop loop = new TargetLoop(target, settings, epollVertx::get, clock, this);
            loops.put(target.name(), loop);
            store.update(s -> s.with(loop.state(), clock.instant()), s -> { });
        }
    }

    /** Starts every target's loop. */
    public synchronized void start() {
        if (settings == null) {
            throw new IllegalStateException("probe loop not prepared");
        }
        loops.values().forEach(TargetLoop::start);
    }

    public GuardSettings settings() {
        return settings;
    }

    /** The targets' names, in configuration order. */
    public synchronized List<String> targets() {
        return new ArrayList<>(loops.keySet());
    }

    /**
     * Runs an operator action on the named target's loop thread (so it never races a probe) and
     * publishes its effect.
     */
    public CompletableFuture<TargetState> admin(String target, Function<TargetTracker, List<TargetEvent>> action) {
        TargetLoop loop;
        synchronized (this) {
            loop = loops.get(target);
        }
        if (loop == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no target " + target));
        }
        return loop.run(action);
    }

    @Override
    public void publish(TargetState state, Optional<ProbeResult> probe, List<TargetEvent> events) {
        store.update(s -> s.with(state, clock.instant()), published -> {
            try {
                updates.fire(new GuardUpdate(published, probe, events));
            } catch (RuntimeException e) {
                LOG.errorf(e, "a signal observer failed");
            }
        });
    }

    @Override
    public void beat(String target, Instant at) {
        store.beat(target, at);
    }

    @PreDestroy
    void stop() {
        List<TargetLoop> running;
        synchronized (this) {
            running = new ArrayList<>(loops.values());
        }
        running.forEach(TargetLoop::stop);
        running.forEach(loop -> loop.awaitStopped(STOP_BOUND));
        // after the loops: their kept sessions close on this Vert.x, which must still be running then
        epollVertx.close(STOP_BOUND);
    }
}
