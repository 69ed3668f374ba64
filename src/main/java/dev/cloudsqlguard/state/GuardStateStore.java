package dev.cloudsqlguard.state;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the one published {@link GuardState}. Health checks, status, metrics and signals read it
 * from here: a scrape is a memory read, never a database round trip. The probe loop is its only
 * writer.
 */
public final class GuardStateStore {

    private final AtomicReference<GuardState> current;
    private final AtomicReference<Instant> heartbeat;

    public GuardStateStore(Clock clock) {
        Instant now = clock.instant();
        this.current = new AtomicReference<>(GuardState.initial(now));
        this.heartbeat = new AtomicReference<>(now);
    }

    public GuardState current() {
        return current.get().withHeartbeat(heartbeat.get());
    }

    public void publish(GuardState state) {
        current.set(state);
        heartbeat.set(state.heartbeat());
    }

    /** The probe loop ticked (even if the circuit refused a probe). */
    public void beat(Instant at) {
        heartbeat.set(at);
    }

    public Instant lastBeat() {
        return heartbeat.get();
    }
}
