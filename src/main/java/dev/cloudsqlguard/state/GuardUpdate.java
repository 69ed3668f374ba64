package dev.cloudsqlguard.state;

import dev.cloudsqlguard.probe.ProbeResult;
import java.util.List;
import java.util.Optional;

/**
 * What one tick of the probe loop published: the new state, the probe that ran (if the circuit
 * allowed one), and the events it caused. Delivered synchronously to observers on the probe
 * thread, so observers must only hand work off (queue, emit), never block.
 */
public record GuardUpdate(GuardState state, Optional<ProbeResult> probe, List<TargetEvent> events) {

    public GuardUpdate {
        events = List.copyOf(events);
    }
}
