package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Instant;

/**
 * FORCED_OPEN or FORCED_CLOSED: an operator's override. Forced open permits no probe; forced
 * closed permits every probe and lets none of them change anything. Both last until the operator
 * releases the circuit, which then starts CLOSED with an empty window.
 */
final class ForcedCircuit extends CircuitPhase {

    private final CircuitState state;

    ForcedCircuit(TargetCircuit circuit, CircuitState state) {
        super(circuit, circuit.window());
        this.state = state;
    }

    @Override
    CircuitState state() {
        return state;
    }

    @Override
    boolean permit(Instant now) {
        return state == CircuitState.FORCED_CLOSED;
    }

    @Override
    void record(ProbeResult result) {
        // an override ignores what the probes say
    }
}
