package dev.cloudsqlguard.probe;

import dev.cloudsqlguard.config.Role;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What the kept session read about the server in the same round trip as the probe query: the
 * connection slots in use and the usable limit, whether the server is in recovery or read-only,
 * and a replica's replication lag. Read on every probe that reaches the query stage, so the guard
 * sees connections running out before the server refuses one (53300), and a replica falling behind.
 *
 * @param connectionsUsed  client backends connected (every user's: the slots {@code max_connections} counts)
 * @param connectionsLimit {@code max_connections} minus the slots reserved for superusers and, on
 *                         PostgreSQL 16+, for {@code pg_use_reserved_connections}: what the app can use
 * @param inRecovery       {@code pg_is_in_recovery()}: a replica (or a primary still recovering)
 * @param readOnly         {@code transaction_read_only} of the session
 * @param replicationLag   on a server in recovery: how far replay is behind (zero when it has replayed
 *                         everything it received, so an idle primary never looks like lag); empty on a
 *                         primary, or when the replica has replayed nothing yet
 * @param serverVersion    {@code server_version} (e.g. {@code 15.20}, or with a vendor suffix)
 */
public record ServerReading(
        int connectionsUsed,
        int connectionsLimit,
        boolean inRecovery,
        boolean readOnly,
        Optional<Duration> replicationLag,
        String serverVersion) {

    public ServerReading {
        if (connectionsUsed < 0 || connectionsLimit < 0) {
            throw new IllegalArgumentException("negative connection figures: " + connectionsUsed + "/" + connectionsLimit);
        }
        if (replicationLag.isPresent() && (!inRecovery || replicationLag.get().isNegative())) {
            throw new IllegalArgumentException("a replication lag is a non-negative figure of a server in recovery");
        }
        serverVersion = serverVersion == null ? "" : serverVersion;
    }

    /** Connection slots the app could still open (a superuser may exceed the limit: never below zero). */
    public int freeConnections() {
        return Math.max(0, connectionsLimit - connectionsUsed);
    }

    /** True when the free slots are under {@code percent} of the usable limit (a zero limit has no headroom). */
    public boolean headroomBelow(float percent) {
        return freeConnections() * 100.0f < percent * connectionsLimit || connectionsLimit == 0;
    }

    /** True when no slot is free: a new connection would be refused with 53300. */
    public boolean connectionsExhausted() {
        return freeConnections() == 0;
    }

    /**
     * Why this server is not acceptable for the target, or empty: a required primary that is read-only,
     * a required replica that is not in recovery, a replica lagging beyond its bound. The first rule
     * that applies, in that order.
     */
    public Optional<Failure> refusal(Role role, Optional<Duration> maxLag) {
        if (role == Role.PRIMARY && readOnly) {
            return Optional.of(Failure.of(Reason.READ_ONLY, "25006", "transaction_read_only is on: this server is not "
                    + "a primary" + (inRecovery ? " (it is in recovery)" : "")));
        }
        if (role == Role.REPLICA && !inRecovery) {
            return Optional.of(Failure.of(Reason.NOT_A_REPLICA, "pg_is_in_recovery() is false: this server is a primary, "
                    + "not a replica (promoted, or the wrong host)"));
        }
        if (maxLag.isPresent() && replicationLag.isPresent() && replicationLag.get().compareTo(maxLag.get()) > 0) {
            return Optional.of(Failure.of(Reason.REPLICA_LAGGING, String.format(Locale.ROOT,
                    "replay is %.1f s behind, more than max-replication-lag (%.1f s)",
                    replicationLag.get().toMillis() / 1000.0, maxLag.get().toMillis() / 1000.0)));
        }
        return Optional.empty();
    }
}
