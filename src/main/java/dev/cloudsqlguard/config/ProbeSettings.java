package dev.cloudsqlguard.config;

import java.time.Duration;

/**
 * How and how often the guard probes.
 *
 * @param interval        pause between probes once the target has started
 * @param timeout         bound on every single stage (connect, handshake, query)
 * @param startupInterval pause between probes until the first success (fast gate opening)
 * @param slowThreshold   a probe whose total latency exceeds this is {@code slow}
 * @param query           the statement run by the query stage
 * @param sessionMaxAge   the kept session is re-opened after this long, so a rotated or revoked
 *                        password shows up as {@code auth_failed} within a bounded time
 */
public record ProbeSettings(
        Duration interval,
        Duration timeout,
        Duration startupInterval,
        Duration slowThreshold,
        String query,
        Duration sessionMaxAge) {
}
