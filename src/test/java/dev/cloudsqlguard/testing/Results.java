package dev.cloudsqlguard.testing;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Probe results built directly with the record's constructor, for circuit and tracker tests. */
public final class Results {

    public static final String TARGET = "db";
    /** The default slow threshold (guard.probe.slow-threshold=500ms). */
    public static final Duration SLOW_THRESHOLD = Duration.ofMillis(500);

    private Results() {
    }

    /** A good probe of {@code ms} total that ran up to the handshake. */
    public static ProbeResult ok(long ms, Instant at) {
        return success(Outcome.OK, ms, at);
    }

    /** A probe that reached the database but took {@code ms} (callers pass more than the threshold). */
    public static ProbeResult slow(long ms, Instant at) {
        return success(Outcome.SLOW, ms, at);
    }

    /** A failed probe at the reason's usual stage, 1 ms total. */
    public static ProbeResult failed(Reason reason, Instant at) {
        return failed(reason, null, at);
    }

    public static ProbeResult failed(Reason reason, String sqlState, Instant at) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(reason.usualStage(), Duration.ofMillis(1));
        return new ProbeResult(TARGET, Outcome.FAILED, reason.usualStage(), Optional.of(reason),
                Optional.ofNullable(sqlState), reason.explanation(), latencies, Duration.ofMillis(1), at);
    }

    private static ProbeResult success(Outcome outcome, long ms, Instant at) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(Stage.HANDSHAKE, Duration.ofMillis(ms));
        return new ProbeResult(TARGET, outcome, Stage.HANDSHAKE, Optional.empty(), Optional.empty(),
                "server accepts connections", latencies, Duration.ofMillis(ms), at);
    }
}
