package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One target's circuit over its probe results, on resilience4j's CircuitBreaker: outcomes are
 * recorded by hand ({@code onSuccess}/{@code onError}), slow probes count through its slow-call
 * rate, and its state transitions become {@link CircuitTransition}s.
 *
 * <p>One rule resilience4j does not have is added here: in HALF_OPEN a single failed or slow
 * trial probe re-opens the circuit at once (resilience4j would wait for all trial probes and
 * compare the failure rate with the threshold).
 *
 * <p>Not thread-safe: driven from the probe loop's single thread.
 */
public final class TargetCircuit {

    private static final String NO_REASON = "none";

    private final String target;
    private final CircuitSettings settings;
    private final Duration slowThreshold;
    private final Clock clock;
    private final OpenWait openWait;
    private final CircuitBreaker breaker;
    private final List<CircuitTransition> transitions = new ArrayList<>();

    private Instant since;
    /** End of the current OPEN wait: from then on a probe is permitted (HALF_OPEN). */
    private Instant openUntil;
    private String why = "closed since the startup gate opened";
    /** Cause to attach to a transition fired by the call in progress. */
    private String pendingWhy;
    private String pendingReason = NO_REASON;
    private ProbeResult pendingResult;
    /** Set while undoing a transition that must not be announced (see {@link #record}). */
    private boolean silent;

    public TargetCircuit(String target, CircuitSettings settings, Duration slowThreshold, Clock clock, DoubleSupplier random) {
        this.target = target;
        this.settings = settings;
        this.slowThreshold = slowThreshold;
        this.clock = clock;
        this.openWait = new OpenWait(settings.openWait(), settings.openWaitSpread(), random);
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.minimumProbes())
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallRateThreshold(settings.slowRateThreshold())
                .slowCallDurationThreshold(slowThreshold)
                .permittedNumberOfCallsInHalfOpenState(settings.halfOpenProbes())
                .waitIntervalFunctionInOpenState(attempt -> {
                    Duration wait = openWait.next();
                    openUntil = clock.instant().plus(wait);
                    return wait.toMillis();
                })
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
        this.breaker = CircuitBreaker.of(target, config);
        this.since = clock.instant();
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitState from = map(event.getStateTransition().getFromState());
            CircuitState to = map(event.getStateTransition().getToState());
            if (from == to || silent) {
                return;
            }
            Instant at = clock.instant();
            since = at;
            if (pendingWhy != null) {
                why = pendingWhy;
            } else if (from == CircuitState.CLOSED && to == CircuitState.OPEN && pendingResult != null) {
                why = openingCause(pendingResult);
            } else {
                why = describe(from, to);
            }
            CircuitView view = view();
            transitions.add(new CircuitTransition(target, from, to, at, pendingReason, why,
                    view.failureRate(), view.slowRate()));
        });
    }

    /**
     * Asks whether a probe may go to the database now. In OPEN this is where the wait elapses
     * and the circuit moves to HALF_OPEN. Never blocks.
     */
    public boolean permitProbe() {
        pendingWhy = null;
        pendingReason = NO_REASON;
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            pendingWhy = "the open wait elapsed: trial probes start";
            // resilience4j permits only strictly after the wait; the wait is "at least", so the
            // instant it ends already counts.
            if (openUntil != null && !clock.instant().isBefore(openUntil)) {
                breaker.transitionToHalfOpenState();
            }
        }
        boolean permitted = breaker.tryAcquirePermission();
        pendingWhy = null;
        return permitted;
    }

    /** Records a probe that {@link #permitProbe()} allowed. */
    public void record(ProbeResult result) {
        CircuitBreaker.State before = breaker.getState();
        boolean bad = result.outcome() != Outcome.OK;
        pendingResult = result;
        pendingReason = result.reasonCode();
        pendingWhy = before == CircuitBreaker.State.HALF_OPEN && bad ? badTrialCause(result) : null;
        if (before == CircuitBreaker.State.HALF_OPEN && bad) {
            // Re-open before recording: if this was the last trial, resilience4j would compare the
            // trials' rates with the thresholds and could close on it (e.g. 1 slow of 2 = 50 % < 75 %).
            breaker.transitionToOpenState();
        }
        long nanos = result.total().toNanos();
        if (result.outcome() == Outcome.FAILED) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, ProbeFailedException.INSTANCE);
        } else if (before == CircuitBreaker.State.CLOSED && !bad) {
            // A good probe never opens the circuit. resilience4j can: while its window fills up
            // (after the gate or a release), "fail, fail, ok, ok" reaches the minimum on the last
            // ok with 50 % failed, and would open just as the database recovered. Record it
            // silently and, if it tipped the breaker, undo that with a fresh window.
            silent = true;
            try {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                if (breaker.getState() == CircuitBreaker.State.OPEN) {
                    breaker.transitionToClosedState();
                }
            } finally {
                silent = false;
            }
        } else {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
        pendingResult = null;
        pendingWhy = null;
        pendingReason = NO_REASON;
    }

    /** Operator override: report OPEN whatever the probes say, until released. */
    public void forceOpen() {
        operator("forced open by an operator", breaker::transitionToForcedOpenState);
    }

    /** Operator override: report CLOSED whatever the probes say, until released. */
    public void forceClosed() {
        operator("forced closed by an operator", breaker::transitionToDisabledState);
    }

    /** Ends an override: back to CLOSED with an empty window, probes decide again. */
    public void release() {
        operator("released by an operator", breaker::transitionToClosedState);
    }

    public CircuitState state() {
        return map(breaker.getState());
    }

    public CircuitView view() {
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        return new CircuitView(state(), since, why, metrics.getFailureRate(), metrics.getSlowCallRate(),
                metrics.getNumberOfBufferedCalls());
    }

    /** Transitions since the last call, oldest first. */
    public List<CircuitTransition> drainTransitions() {
        List<CircuitTransition> out = List.copyOf(transitions);
        transitions.clear();
        return out;
    }

    /** Bounds of the randomised OPEN wait, for the status document. */
    public OpenWait openWait() {
        return openWait;
    }

    private void operator(String cause, Runnable action) {
        pendingWhy = cause;
        pendingReason = NO_REASON;
        action.run();
        why = cause;
        pendingWhy = null;
    }

    private String openingCause(ProbeResult last) {
        CircuitBreaker.Metrics m = breaker.getMetrics();
        int window = m.getNumberOfBufferedCalls();
        if (m.getFailureRate() >= settings.failureRateThreshold()) {
            return String.format(Locale.ROOT, "%d of the last %d probes failed (%.0f%% >= %.0f%%); latest: %s",
                    m.getNumberOfFailedCalls(), window, m.getFailureRate(), settings.failureRateThreshold(),
                    last.reasonCode());
        }
        return String.format(Locale.ROOT, "%d of the last %d probes were slower than %d ms (%.0f%% >= %.0f%%)",
                m.getNumberOfSlowCalls(), window, slowThreshold.toMillis(), m.getSlowCallRate(),
                settings.slowRateThreshold());
    }

    private String badTrialCause(ProbeResult result) {
        return result.outcome() == Outcome.FAILED
                ? "trial probe failed: " + result.reasonCode()
                : "trial probe was slow (" + result.total().toMillis() + " ms > " + slowThreshold.toMillis() + " ms)";
    }

    private static String describe(CircuitState from, CircuitState to) {
        if (to == CircuitState.CLOSED && from == CircuitState.HALF_OPEN) {
            return "trial probes succeeded";
        }
        return from.code() + " -> " + to.code();
    }

    static CircuitState map(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            case FORCED_OPEN -> CircuitState.FORCED_OPEN;
            case DISABLED -> CircuitState.FORCED_CLOSED;
            case CLOSED, METRICS_ONLY -> CircuitState.CLOSED;
        };
    }

    /** The throwable resilience4j needs for {@code onError}; carries nothing, costs nothing. */
    static final class ProbeFailedException extends RuntimeException {
        static final ProbeFailedException INSTANCE = new ProbeFailedException();

        private ProbeFailedException() {
            super("probe failed", null, false, false);
        }
    }
}
