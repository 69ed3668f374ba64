package dev.cloudsqlguard.loop;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The probe loop's schedule: at most one tick pending or running at any time. A socket change
 * ({@link #probeNow()}) replaces the pending tick with an immediate one; a tick that was already
 * running when it was replaced schedules no successor. Without that rule a change arriving
 * during a tick forks the chain, and the guard probes twice per interval for the rest of its
 * life (seen in the native executable, whose watcher fires during the very first tick).
 */
public final class TickChain {

    /** Where ticks run: one thread in production, a hand-driven queue in tests. */
    @FunctionalInterface
    public interface Scheduler {
        /** Runs {@code task} after {@code delay}; the handle cancels it if it has not started. */
        Cancellable schedule(Runnable task, Duration delay);
    }

    /** A scheduled tick that can be called off. */
    @FunctionalInterface
    public interface Cancellable {
        void cancel();
    }

    private final Scheduler scheduler;
    private final Supplier<Duration> tick;
    private final Duration retryDelay;
    private long generation;
    private Cancellable pending;
    private boolean stopped;

    /**
     * @param tick runs one probe tick and returns the pause before the next one
     * @param retryDelay the pause after a tick that threw (it should not)
     */
    public TickChain(Scheduler scheduler, Supplier<Duration> tick, Duration retryDelay) {
        this.scheduler = Objects.requireNonNull(scheduler);
        this.tick = Objects.requireNonNull(tick);
        this.retryDelay = Objects.requireNonNull(retryDelay);
    }

    /** Schedules the first tick at once. Only the first call counts. */
    public synchronized void start() {
        if (pending == null && !stopped) {
            schedule(Duration.ZERO);
        }
    }

    /**
     * Probes as soon as possible: the pending tick is replaced by an immediate one; if a tick is
     * running, the replacement runs right after it. Calls before {@link #start()} are ignored
     * (the first tick is immediate anyway); repeated calls coalesce.
     */
    public synchronized void probeNow() {
        if (pending == null || stopped) {
            return;
        }
        pending.cancel();
        schedule(Duration.ZERO);
    }

    /** No tick is scheduled after this; a running one finishes. */
    public synchronized void stop() {
        stopped = true;
        if (pending != null) {
            pending.cancel();
        }
    }

    private void run(long scheduledAs) {
        synchronized (this) {
            if (scheduledAs != generation || stopped) {
                return; // replaced after it had been handed to the scheduler: its replacement runs
            }
        }
        Duration delay = retryDelay;
        try {
            delay = tick.get();
        } finally {
            synchronized (this) {
                if (scheduledAs == generation && !stopped) {
                    schedule(delay);
                }
            }
        }
    }

    private void schedule(Duration delay) {
        long scheduledAs = ++generation;
        pending = scheduler.schedule(() -> run(scheduledAs), delay);
    }
}
