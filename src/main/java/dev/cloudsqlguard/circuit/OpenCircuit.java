package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Instant;

/**
 * OPEN: no probe goes to the database until the randomised wait ends. The wait ends at its bound,
 * not after it: the first permit asked at or after {@code until} moves the circuit to HALF_OPEN
 * and is that state's first trial. The window that opened the circuit stays visible meanwhile.
 */
final class OpenCircuit extends CircuitPhase {

    private final Instant until;

    OpenCircuit(TargetCircuit circuit, ProbeWindow window, Instant until) {
        super(circuit, window);
        this.until = until;
    }

    @Override
    CircuitState state() {
        return CircuitState.OPEN;
    }

    @Override
    boolean permit(Instant now) {
        if (now.isBefore(until)) {
            return false;
        }
        return circuit.halfOpen().permit(now);
    }

    @Override
    void record(ProbeResult result) {
        window.add(result); // only a probe permitted before the circuit opened can land here
    }
}
