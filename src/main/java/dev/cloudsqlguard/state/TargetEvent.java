package dev.cloudsqlguard.state;

import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import java.time.Instant;
import java.util.Optional;

/**
 * Something worth one log line or one signal. Probes that change nothing produce no event, so a
 * long outage logs one line per change of reason, not one per probe.
 */
public sealed interface TargetEvent {

    String target();

    /** The startup gate opened: first fully successful probe. */
    record Started(String target, Instant at, ProbeResult result) implements TargetEvent {
    }

    /** The failure reason changed (including from "none" at the start of a streak). */
    record ReasonChanged(String target, Optional<Reason> from, Reason to, ProbeResult result) implements TargetEvent {
    }

    /** A probe succeeded after a failure streak. */
    record Recovered(String target, int failedProbes, Optional<Reason> lastReason, ProbeResult result) implements TargetEvent {
    }

    /**
     * The connection headroom crossed the warning threshold: {@code low} when the free slots fell under it,
     * not low when they have stayed above it long enough. Readiness does not change: the database answers.
     */
    record HeadroomChanged(String target, boolean low, ServerReading reading, float thresholdPercent) implements TargetEvent {
    }

    /** The circuit changed state. */
    record Transitioned(String target, CircuitTransition transition) implements TargetEvent {
    }
}
