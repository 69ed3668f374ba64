package dev.cloudsqlguard.loop;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.walk.StageWalker;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.TargetState;
import dev.cloudsqlguard.state.TargetTracker;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One target's loop, on a thread of its own ({@code guard-probe-<target>}), so that one target's
 * hang never delays another's probes: tick after tick it asks the target's circuit whether it may
 * probe, walks the stages, folds the result into the target's state and hands it to the
 * {@link Publisher}. Its pace, circuit and kept session are the target's own.
 */
final class TargetLoop {

    private static final Logger LOG = Logger.getLogger(TargetLoop.class);

    /** Where a target's loop publishes; called on the loop's thread. */
    interface Publisher {
        void publish(TargetState state, Optional<ProbeResult> probe, List<TargetEvent> events);

        void beat(String target, Instant at);
    }

    private final TargetSettings target;
    private final Duration interval;
    private final Clock clock;
    private final Publisher publisher;
    private final TargetTracker tracker;
    private final StageWalker walker;
    private final ScheduledExecutorService executor;
    private final TickChain chain;
    private SocketWatcher watcher;
    /** Set by {@link #stop}: a probe the stop interrupted is not a result, and is not published. */
    private volatile boolean stopping;

    TargetLoop(TargetSettings target, GuardSettings settings, Supplier<Vertx> vertx, Clock clock, Publisher publisher) {
        this.target = target;
        this.interval = settings.probe().interval();
        this.clock = clock;
        this.publisher = publisher;
        SecureRandom random = new SecureRandom();
        this.tracker = new TargetTracker(target, settings.probe(), settings.circuit(), clock, random::nextDouble);
        this.walker = new StageWalker(target, settings.probe(),
                VertxQueryStage.of(target, settings.probe(), vertx, System::nanoTime), clock, System::nanoTime);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "guard-probe-" + target.name());
            t.setDaemon(true);
            return t;
        });
        this.chain = new TickChain((task, delay) -> {
            try {
                ScheduledFuture<?> f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException shuttingDown) {
                return () -> { };
            }
        }, this::tick, interval);
    }

    String name() {
        return target.name();
    }

    /** The target's state before its first probe. */
    TargetState state() {
        return tracker.state();
    }

    /** The first tick at once, and the socket watcher for a Unix socket target. */
    synchronized void start() {
        if (target.endpoint() instanceof Endpoint.UnixSocket unix) {
            watcher = new SocketWatcher(unix.socketFile(), chain::probeNow);
            watcher.start();
        }
        chain.start();
    }

    /** Runs an operator action on the loop's thread (so it never races a probe) and publishes its effect. */
    CompletableFuture<TargetState> run(Function<TargetTracker, List<TargetEvent>> action) {
        CompletableFuture<TargetState> done = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    List<TargetEvent> events = action.apply(tracker);
                    publisher.publish(tracker.state(), Optional.empty(), events);
                    done.complete(tracker.state());
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            done.completeExceptionally(shuttingDown);
        }
        return done;
    }

    /** No tick after this; a running probe is interrupted. Returns at once: {@link #awaitStopped} waits. */
    synchronized void stop() {
        stopping = true;
        chain.stop();
        executor.shutdownNow();
    }

    void awaitStopped(Duration bound) {
        try {
            executor.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (watcher != null) {
                watcher.close();
            }
        }
        walker.close();
    }

    /** One probe (when the circuit permits it); returns the pause before the next tick. */
    private Duration tick() {
        Duration delay = interval;
        try {
            publisher.beat(target.name(), clock.instant());
            List<TargetEvent> events = new ArrayList<>();
            TargetTracker.Decision decision = tracker.permitProbe();
            events.addAll(decision.events());
            Optional<ProbeResult> result = Optional.empty();
            if (decision.permitted()) {
                ProbeResult r = walker.probe();
                if (stopping) {
                    return delay; // interrupted by the stop: not the database failing, so no WARN, no transition
                }
                result = Optional.of(r);
                events.addAll(tracker.record(r));
            }
            publisher.publish(tracker.state(), result, events);
            closeWatcherOnceStarted();
            delay = tracker.nextDelay();
        } catch (RuntimeException e) {
            LOG.errorf(e, "probe loop tick of %s failed; retrying in %s", target.name(), delay);
        }
        return delay;
    }

    private synchronized void closeWatcherOnceStarted() {
        if (watcher != null && tracker.state().started()) {
            watcher.close();
            watcher = null;
        }
    }
}
