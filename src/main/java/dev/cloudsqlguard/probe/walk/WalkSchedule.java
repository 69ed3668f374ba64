package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Duration;

/**
 * Decides whether the next probe walks the path on a <b>new</b> connection (socket, connect, TLS,
 * handshake, then the query on the kept session) or is one round trip on the kept session.
 *
 * <p>The rule: a probe stays on the kept session only when the target has a query stage, its session
 * is healthy, the previous probe was {@code ok} and did not find the connection slots exhausted, and a
 * walk started less than {@code new-connection-interval} ago. Every other probe walks: the first ones
 * (startup), the one right after a failed or slow probe, and one per interval.
 *
 * <p>The bugs it prevents. Walking every probe costs the server a forked backend each time (30 a minute
 * per guard at a 2 s interval, a log line each with {@code log_connections}), although the kept
 * session proves the whole path to the database. Never walking would miss what only a new connection
 * sees while an old session still answers: a stopped postmaster, {@code max_connections} exhausted, a
 * proxy that stopped accepting; the periodic walk bounds that blind spot. And a probe that failed on
 * the session says only {@code query_timeout}: the walk that follows it at once tells at which stage
 * the path broke, so the diagnosis is the one a full walk gives.
 */
final class WalkSchedule {

    private final Duration newConnectionInterval;
    private boolean walkedOnce;
    private long lastWalkStart;
    private boolean lastOk;
    private boolean slotsExhausted;

    WalkSchedule(Duration newConnectionInterval) {
        this.newConnectionInterval = newConnectionInterval;
    }

    /**
     * @param now            the probe's start, on the walker's nanosecond clock
     * @param sessionHealthy whether a kept session exists and may be used (open, unbroken, not due for renewal);
     *                       always false for a target without a query stage
     * @return true if this probe must walk a new connection
     */
    boolean mustWalk(long now, boolean sessionHealthy) {
        return !sessionHealthy || !walkedOnce || !lastOk || slotsExhausted
                || now - lastWalkStart >= newConnectionInterval.toNanos();
    }

    /** Records a probe that started at {@code start}. */
    void record(long start, ProbeResult result) {
        if (result.walkedNewConnection()) {
            walkedOnce = true;
            lastWalkStart = start;
        }
        lastOk = result.outcome() == Outcome.OK;
        slotsExhausted = result.reading().map(r -> r.connectionsExhausted()).orElse(false);
    }
}
