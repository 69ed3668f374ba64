package dev.cloudsqlguard.loop;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.walk.StageWalker;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.TargetState;
import dev.cloudsqlguard.state.TargetTracker;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
import org.jboss.logging.Logger;

/**
 * The probe loop: one thread that, tick after tick, asks the circuit whether it may probe,
 * probes, folds the result into the target's state and publishes it. Everything else reads the
 * published state; nothing else touches the database.
 */
@ApplicationScoped
public class ProbeLoop {

    private static final Logger LOG = Logger.getLogger(ProbeLoop.class);

    @Inject
    EpollVertx epollVertx;

    @Inject
    GuardStateStore store;

    @Inject
    Event<GuardUpdate> updates;

    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService executor;
    private StageWalker walker;
    private TargetTracker tracker;
    private SocketWatcher watcher;
    private TickChain chain;
    private volatile GuardSettings settings;

    /**
     * Builds the loop from validated settings and publishes the first state (every target, not yet
     * probed), so that the signals can start from it. Called once, by the main entry point.
     */
    public synchronized void prepare(GuardSettings settings) {
        if (executor != null) {
            throw new IllegalStateException("probe loop already prepared");
        }
        this.settings = settings;
        SecureRandom random = new SecureRandom();
        this.tracker = new TargetTracker(settings.target(), settings.probe(), settings.circuit(), clock, random::nextDouble);
        this.walker = new StageWalker(settings.target(), settings.probe(),
                VertxQueryStage.of(settings.target(), settings.probe(), epollVertx::get, System::nanoTime), clock,
                System::nanoTime);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "guard-probe");
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
        }, this::tick, settings.probe().interval());
        store.publish(store.current().with(tracker.state(), clock.instant()));
    }

    /** Starts probing: the first tick at once, and the socket watcher for a Unix socket target. */
    public synchronized void start() {
        if (chain == null) {
            throw new IllegalStateException("probe loop not prepared");
        }
        if (settings.target().endpoint() instanceof Endpoint.UnixSocket unix) {
            watcher = new SocketWatcher(unix.socketFile(), chain::probeNow);
            watcher.start();
        }
        chain.start();
    }

    public GuardSettings settings() {
        return settings;
    }

    /**
     * Runs an operator action on the loop's thread (so it never races a probe) and publishes
     * its effect.
     */
    public CompletableFuture<TargetState> admin(Function<TargetTracker, List<TargetEvent>> action) {
        CompletableFuture<TargetState> done = new CompletableFuture<>();
        if (executor == null) {
            done.completeExceptionally(new IllegalStateException("probe loop not started"));
            return done;
        }
        executor.execute(() -> {
            try {
                List<TargetEvent> events = action.apply(tracker);
                publish(Optional.empty(), events);
                done.complete(tracker.state());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @PreDestroy
    void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = executor;
            if (chain != null) {
                chain.stop();
            }
            if (running != null) {
                running.shutdownNow();
            }
        }
        if (running != null) {
            try {
                running.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (watcher != null) {
            watcher.close();
        }
        if (walker != null) {
            walker.close();
        }
    }

    /** One probe (when the circuit permits it); returns the pause before the next tick. */
    private Duration tick() {
        Duration delay = settings.probe().interval();
        try {
            store.beat(clock.instant());
            List<TargetEvent> events = new ArrayList<>();
            TargetTracker.Decision decision = tracker.permitProbe();
            events.addAll(decision.events());
            Optional<ProbeResult> result = Optional.empty();
            if (decision.permitted()) {
                ProbeResult r = walker.probe();
                result = Optional.of(r);
                events.addAll(tracker.record(r));
            }
            publish(result, events);
            if (watcher != null && tracker.state().started()) {
                watcher.close();
                watcher = null;
            }
            delay = tracker.nextDelay();
        } catch (RuntimeException e) {
            LOG.errorf(e, "probe loop tick failed; retrying in %s", delay);
        }
        return delay;
    }

    private void publish(Optional<ProbeResult> result, List<TargetEvent> events) {
        GuardState state = store.current().with(tracker.state(), clock.instant());
        store.publish(state);
        try {
            updates.fire(new GuardUpdate(state, result, events));
        } catch (RuntimeException e) {
            LOG.errorf(e, "a signal observer failed");
        }
    }
}
