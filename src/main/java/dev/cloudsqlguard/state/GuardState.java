package dev.cloudsqlguard.state;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The published state every signal reads: health checks, status, metrics, SSE, state file,
 * webhooks. Immutable; replaced as a whole, so readers never see half an update and never
 * touch the database.
 *
 * @param bootedAt  when the guard started
 * @param heartbeat when the probe loop last ticked (liveness)
 * @param sequence  increases with every published change; lets readers order snapshots
 * @param targets   per target, in configuration order
 */
public record GuardState(Instant bootedAt, Instant heartbeat, long sequence, Map<String, TargetState> targets) {

    public GuardState {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    public static GuardState initial(Instant now) {
        return new GuardState(now, now, 0, Map.of());
    }

    /** The startup gate: every required target has had one fully successful probe. */
    public boolean started() {
        return gating().count() > 0 && gating().allMatch(TargetState::started);
    }

    /** Every required target started and its circuit admits traffic; optional targets never gate. */
    public boolean ready() {
        return gating().count() > 0 && gating().allMatch(TargetState::ready);
    }

    private Stream<TargetState> gating() {
        return targets.values().stream().filter(TargetState::required);
    }

    public GuardState with(TargetState target, Instant heartbeat) {
        Map<String, TargetState> copy = new LinkedHashMap<>(targets);
        copy.put(target.name(), target);
        return new GuardState(bootedAt, heartbeat, sequence + 1, copy);
    }

    public GuardState withHeartbeat(Instant heartbeat) {
        return new GuardState(bootedAt, heartbeat, sequence, targets);
    }
}
