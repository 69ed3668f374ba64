package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * One target's circuit over its probe results: pure decisions, an injected clock and random
 * source, no I/O. Its rules, all of them, in the order a probe meets them:
 *
 * <ol>
 *   <li><b>Window.</b> CLOSED counts the last {@code window-size} probes. A probe is <i>failed</i> if
 *       its outcome is failed, <i>slow</i> if its total latency is above {@code slow-threshold}
 *       (both at once after a timeout), <i>good</i> otherwise. The failure and slow rates exist once
 *       the window holds {@code minimum-probes} probes ({@link ProbeWindow}).</li>
 *   <li><b>Opening.</b> A bad probe that brings the failure rate to {@code failure-rate-threshold} or
 *       the slow rate to {@code slow-rate-threshold} opens the circuit; the cause names the counts
 *       and the latest reason ({@link ClosedCircuit}).</li>
 *   <li><b>A good probe never opens.</b> If recording a good probe reaches a threshold (a window
 *       filling up as "failed, failed, ok, ok"), the window starts afresh instead.</li>
 *   <li><b>The OPEN wait</b> is drawn from {@code open-wait} ± {@code open-wait-spread}
 *       ({@link OpenWait}) each time the circuit opens, and ends at its bound: the first permit asked
 *       at or after it moves the circuit to HALF_OPEN ({@link OpenCircuit}).</li>
 *   <li><b>N good trials close.</b> HALF_OPEN permits exactly {@code half-open-probes} trials; when
 *       all of them were good the circuit closes with a fresh window ({@link HalfOpenCircuit}).</li>
 *   <li><b>One bad trial re-opens</b> at once, with a new wait, whatever the trials' rates.</li>
 *   <li><b>Forced states.</b> An operator may force OPEN (no probe permitted) or CLOSED (every probe
 *       permitted, none counted) until released; release starts CLOSED with an empty window
 *       ({@link ForcedCircuit}).</li>
 * </ol>
 *
 * <p>Every change of state becomes one {@link CircuitTransition} carrying its cause, collected
 * until {@link #drainTransitions()}. Not thread-safe: the probe loop's single thread drives it.
 */
public final class TargetCircuit {

    private static final String NO_REASON = "none";

    private final String target;
    private final CircuitSettings settings;
    private final Duration slowThreshold;
    private final Clock clock;
    private final OpenWait openWait;
    private final List<CircuitTransition> transitions = new ArrayList<>();

    private CircuitPhase phase;
    private Instant since;
    private String why = "closed since the startup gate opened";

    public TargetCircuit(String target, CircuitSettings settings, Duration slowThreshold, Clock clock,
            DoubleSupplier random) {
        this.target = target;
        this.settings = settings;
        this.slowThreshold = slowThreshold;
        this.clock = clock;
        this.openWait = new OpenWait(settings.openWait(), settings.openWaitSpread(), random);
        this.phase = new ClosedCircuit(this);
        this.since = clock.instant();
    }

    /** Whether a probe may go to the database now. Never blocks; in OPEN this is where the wait ends. */
    public boolean permitProbe() {
        return phase.permit(clock.instant());
    }

    /** Records a probe that {@link #permitProbe()} allowed. */
    public void record(ProbeResult result) {
        phase.record(result);
    }

    /** Operator override: OPEN whatever the probes say, until released. */
    public void forceOpen() {
        moveTo(new ForcedCircuit(this, CircuitState.FORCED_OPEN), "forced open by an operator", NO_REASON);
    }

    /** Operator override: CLOSED whatever the probes say, until released. */
    public void forceClosed() {
        moveTo(new ForcedCircuit(this, CircuitState.FORCED_CLOSED), "forced closed by an operator", NO_REASON);
    }

    /** Ends an override (or restarts a CLOSED window): CLOSED with an empty window, probes decide again. */
    public void release() {
        moveTo(new ClosedCircuit(this), "released by an operator", NO_REASON);
    }

    public CircuitState state() {
        return phase.state();
    }

    public CircuitView view() {
        ProbeWindow w = phase.window;
        return new CircuitView(phase.state(), since, why, w.failureRate(), w.slowRate(), w.size());
    }

    /** Transitions since the last call, oldest first. */
    public List<CircuitTransition> drainTransitions() {
        List<CircuitTransition> out = List.copyOf(transitions);
        transitions.clear();
        return out;
    }

    // ---- for the states ----------------------------------------------------------------------

    CircuitSettings settings() {
        return settings;
    }

    Duration slowThreshold() {
        return slowThreshold;
    }

    /** An empty window of the CLOSED state's size. */
    ProbeWindow window() {
        return new ProbeWindow(settings.windowSize(), settings.minimumProbes(), slowThreshold);
    }

    void open(ProbeWindow window, String cause, String reason) {
        moveTo(new OpenCircuit(this, window, clock.instant().plus(openWait.next())), cause, reason);
    }

    HalfOpenCircuit halfOpen() {
        HalfOpenCircuit trials = new HalfOpenCircuit(this,
                new ProbeWindow(settings.halfOpenProbes(), settings.minimumProbes(), slowThreshold));
        moveTo(trials, "the open wait elapsed: trial probes start", NO_REASON);
        return trials;
    }

    void close(String cause) {
        moveTo(new ClosedCircuit(this), cause, NO_REASON);
    }

    private void moveTo(CircuitPhase next, String cause, String reason) {
        CircuitState from = phase.state();
        phase = next;
        why = cause;
        if (from == next.state()) {
            return; // an operator repeating an override, or releasing a closed circuit: no transition
        }
        since = clock.instant();
        ProbeWindow w = next.window;
        transitions.add(new CircuitTransition(target, from, next.state(), since, reason, cause, w.failureRate(),
                w.slowRate()));
    }
}
