package dev.cloudsqlguard.state;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the one published {@link GuardState}. Health checks, status, metrics and signals read it
 * from here: a scrape is a memory read, never a database round trip.
 */
@ApplicationScoped
public class GuardStateStore {

    private final AtomicReference<GuardState> current = new AtomicReference<>(GuardState.initial(Clock.systemUTC().instant()));
    private final AtomicReference<Instant> heartbeat = new AtomicReference<>(Clock.systemUTC().instant());

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
