package dev.cloudsqlguard.testing;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Probe results built directly with the record's constructor, for circuit and tracker tests: walks of a
 * new connection (a {@code socket} stage, then the stage they stopped at) unless said otherwise.
 */
public final class Results {

    public static final String TARGET = "db";
    /** The default slow threshold (guard.probe.slow-threshold=500ms). */
    public static final Duration SLOW_THRESHOLD = Duration.ofMillis(500);

    private Results() {
    }

    /** A good walk of {@code ms} total that ran up to the handshake. */
    public static ProbeResult ok(long ms, Instant at) {
        return success(Outcome.OK, ms, at);
    }

    /** A walk that reached the database but took {@code ms} (callers pass more than the threshold). */
    public static ProbeResult slow(long ms, Instant at) {
        return success(Outcome.SLOW, ms, at);
    }

    /** A failed walk at the reason's usual stage, 1 ms total. */
    public static ProbeResult failed(Reason reason, Instant at) {
        return failed(reason, null, at);
    }

    public static ProbeResult failed(Reason reason, String sqlState, Instant at) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(Stage.SOCKET, Duration.ZERO);
        latencies.put(reason.usualStage(), Duration.ofMillis(1));
        return new ProbeResult(TARGET, Outcome.FAILED, reason.usualStage(), Optional.of(reason),
                Optional.ofNullable(sqlState), reason.explanation(), latencies, Duration.ofMillis(1), at);
    }

    /** A probe that was one round trip on the kept session: {@code outcome} after {@code ms}, with a reading. */
    public static ProbeResult onSession(Outcome outcome, long ms, Instant at, ServerReading reading) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(Stage.QUERY, Duration.ofMillis(ms));
        Optional<Reason> reason = outcome == Outcome.FAILED ? Optional.of(Reason.QUERY_TIMEOUT) : Optional.empty();
        return new ProbeResult(TARGET, outcome, Stage.QUERY, reason, Optional.empty(), "on the kept session", latencies,
                Duration.ofMillis(ms), at, Optional.empty(), Optional.ofNullable(reading), Optional.empty());
    }

    /** A reading of a primary with {@code used} of {@code limit} connections. */
    public static ServerReading connections(int used, int limit) {
        return new ServerReading(used, limit, false, false, Optional.empty(), "15.20");
    }

    private static ProbeResult success(Outcome outcome, long ms, Instant at) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(Stage.SOCKET, Duration.ZERO);
        latencies.put(Stage.HANDSHAKE, Duration.ofMillis(ms));
        return new ProbeResult(TARGET, outcome, Stage.HANDSHAKE, Optional.empty(), Optional.empty(),
                "server accepts connections", latencies, Duration.ofMillis(ms), at);
    }
}
