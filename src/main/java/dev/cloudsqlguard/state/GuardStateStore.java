package dev.cloudsqlguard.state;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Holds the one published {@link GuardState}. Health checks, status, metrics and signals read it
 * from here: a scrape is a memory read, never a database round trip. Each target's loop writes
 * its own target into it ({@link #update}, serialised so that sequence numbers follow the order of
 * publication) and beats on every tick.
 */
public final class GuardStateStore {

    private final Instant bootedAt;
    private volatile GuardState current;
    private final Map<String, Instant> beats = new ConcurrentHashMap<>();

    public GuardStateStore(Clock clock) {
        this.bootedAt = clock.instant();
        this.current = GuardState.initial(bootedAt);
    }

    /** The published state; its heartbeat is the last tick of the loop that ticked least recently. */
    public GuardState current() {
        return current.withHeartbeat(lastBeat());
    }

    /**
     * Publishes {@code change} applied to the current state, then runs {@code then} with the result
     * while still holding the store, so that whatever it announces is in sequence order.
     */
    public synchronized GuardState update(UnaryOperator<GuardState> change, Consumer<GuardState> then) {
        GuardState next = change.apply(current);
        current = next;
        then.accept(next);
        return next;
    }

    /** A target's loop ticked (even if the circuit refused a probe). */
    public void beat(String target, Instant at) {
        beats.put(target, at);
    }

    /** The last tick of the stalest target loop (boot time before any tick). */
    public Instant lastBeat() {
        return beats.values().stream().min(Instant::compareTo).orElse(bootedAt);
    }
}
