package dev.cloudsqlguard.config;

import java.time.Duration;

/**
 * How and how often the guard probes.
 *
 * @param interval              pause between probes once the target has started
 * @param timeout               bound on every single stage (connect, handshake, query)
 * @param sessionTimeout        bound on a probe that is one round trip on the kept session (never above
 *                              {@code timeout}: see {@link #sessionBound()})
 * @param newConnectionInterval while the kept session is healthy, how often a probe still walks a new connection
 * @param startupInterval       pause between probes until the first success (fast gate opening)
 * @param slowThreshold         a probe whose total latency exceeds this is {@code slow}
 * @param query                 the statement run by the query stage
 * @param sessionMaxAge         the kept session is re-opened after this long, so a rotated or revoked
 *                              password shows up as {@code auth_failed} within a bounded time
 * @param headroomWarning       percentage of the usable connection slots under which free slots are too few
 */
public record ProbeSettings(
        Duration interval,
        Duration timeout,
        Duration sessionTimeout,
        Duration newConnectionInterval,
        Duration startupInterval,
        Duration slowThreshold,
        String query,
        Duration sessionMaxAge,
        float headroomWarning) {

    /** The bound of a round trip on the kept session: its own timeout, capped by the stage timeout. */
    public Duration sessionBound() {
        return sessionTimeout.compareTo(timeout) < 0 ? sessionTimeout : timeout;
    }
}
