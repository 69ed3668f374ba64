package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Duration;

/**
 * Decides what the next probe of a target with a kept session does: one round trip on the kept
 * session, a walk of the path on a <b>new</b> connection (socket, connect, TLS, handshake, then the
 * query on the kept session), or the renewal of a session older than its maximum age, whose login is
 * the new connection of that walk.
 *
 * <p>The rule: a probe stays on the kept session when the session is healthy, the previous probe was
 * {@code ok} and did not find the connection slots exhausted, and a walk started less than
 * {@code new-connection-interval} ago. Every other probe walks: the first ones (startup), the one right
 * after a failed or slow probe, one per interval. At the interval, a session due for renewal is renewed
 * instead of walking: its login proves a new connection as the handshake would (and more), so renewals
 * cost no connection beyond the one a walk costs.
 *
 * <p>The bugs it prevents. Walking every probe costs the server a forked backend each time (30 a minute
 * per guard at a 2 s interval, a log line each with {@code log_connections}), although the kept
 * session proves the whole path to the database. Never walking would miss what only a new connection
 * sees while an old session still answers: a stopped postmaster, {@code max_connections} exhausted, a
 * proxy that stopped accepting; the periodic walk bounds that blind spot. A probe that failed on the
 * session says only {@code query_timeout}: the walk that follows it at once tells at which stage the
 * path broke, so the diagnosis is the one a full walk gives. And a renewal on top of the walks would
 * push a fleet of guards past one forked backend per guard and interval.
 */
final class WalkSchedule {

    /** What the next probe does. */
    enum Next {
        /** one round trip on the kept session */
        KEPT_SESSION,
        /** every stage on a new connection, then the query on the kept session (opened if needed) */
        NEW_CONNECTION,
        /** the socket, then a new session in place of the old one: its login is the new connection */
        NEW_SESSION
    }

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
     * @param sessionHealthy whether a kept session is open and not known to be broken
     * @param sessionDue     whether that session is older than its maximum age
     */
    Next next(long now, boolean sessionHealthy, boolean sessionDue) {
        if (!sessionHealthy || !walkedOnce || !lastOk || slotsExhausted) {
            return Next.NEW_CONNECTION;
        }
        if (now - lastWalkStart >= newConnectionInterval.toNanos()) {
            return sessionDue ? Next.NEW_SESSION : Next.NEW_CONNECTION;
        }
        return Next.KEPT_SESSION;
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
