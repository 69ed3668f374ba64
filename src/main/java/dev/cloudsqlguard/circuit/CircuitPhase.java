package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Instant;

/**
 * One state of a target's circuit, in the style of Failsafe's {@code dev.failsafe.internal}
 * states: each knows what it permits and what a probe result does to it, and asks its
 * {@link TargetCircuit} to move on. The rules themselves are listed on {@link TargetCircuit}.
 */
abstract class CircuitPhase {

    final TargetCircuit circuit;
    final ProbeWindow window;

    CircuitPhase(TargetCircuit circuit, ProbeWindow window) {
        this.circuit = circuit;
        this.window = window;
    }

    abstract CircuitState state();

    /** Whether a probe may go to the database at {@code now}. Never blocks; OPEN may move on to HALF_OPEN here. */
    abstract boolean permit(Instant now);

    /** A probe this state permitted has finished. */
    abstract void record(ProbeResult result);
}
