package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Instant;

/**
 * HALF_OPEN: exactly {@code guard.circuit.half-open-probes} trial probes are permitted. One bad
 * trial (failed or slow) re-opens the circuit at once, with a new randomised wait; when every
 * trial was good, the circuit closes with a fresh window. The trials' rates are never compared
 * with the thresholds: one slow trial of two (50 %, under a 75 % slow threshold) still re-opens.
 */
final class HalfOpenCircuit extends CircuitPhase {

    private int permitted;

    HalfOpenCircuit(TargetCircuit circuit, ProbeWindow trials) {
        super(circuit, trials);
    }

    @Override
    CircuitState state() {
        return CircuitState.HALF_OPEN;
    }

    @Override
    boolean permit(Instant now) {
        if (permitted >= circuit.settings().halfOpenProbes()) {
            return false;
        }
        permitted++;
        return true;
    }

    @Override
    void record(ProbeResult result) {
        window.add(result);
        if (result.outcome() != Outcome.OK) {
            circuit.open(window, badTrialCause(result), result.reasonCode());
        } else if (window.full()) {
            circuit.close("trial probes succeeded");
        }
    }

    private String badTrialCause(ProbeResult result) {
        return result.outcome() == Outcome.FAILED
                ? "trial probe failed: " + result.reasonCode()
                : "trial probe was slow (" + result.total().toMillis() + " ms > "
                        + circuit.slowThreshold().toMillis() + " ms)";
    }
}
