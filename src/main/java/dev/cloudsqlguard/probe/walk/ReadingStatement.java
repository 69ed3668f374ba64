package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.ServerReading;
import java.time.Duration;
import java.util.Optional;

/**
 * The statement that reads {@link ServerReading}'s figures, sent after the probe query in the same
 * simple-query message: one round trip for both. Pure text and values: the client library that runs
 * it hands its row's columns to {@link #parse}.
 *
 * <p>Connections in use are the client backends of every user. A role without {@code pg_read_all_stats}
 * (or {@code pg_monitor}) sees other users' rows without their {@code backend_type}; those are counted
 * when they belong to a database, which may add a few autovacuum or parallel workers to the figure.
 *
 * <p>Replication lag is 0 when the replica has replayed all it received (an idle primary is no lag),
 * else the age of the last transaction it replayed. A replica that has replayed no transaction since it
 * started has no such age: its lag is unknown (NULL), never 0. ({@code greatest(0, NULL)} is 0 in
 * PostgreSQL: a replica whose replay was paused before its first transaction read as "no lag" for as long
 * as it stayed paused, and a lag bound never fired; seen in CI.)
 */
final class ReadingStatement {

    /**
     * Columns: connections_used int, connections_limit int, in_recovery bool, read_only bool,
     * replication_lag_s float8, server_version text.
     */
    static final String SQL = "SELECT"
            + " (SELECT count(*) FROM pg_stat_activity WHERE datid IS NOT NULL"
            + " AND coalesce(backend_type, 'client backend') = 'client backend')::int,"
            + " current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
            + " - coalesce(current_setting('reserved_connections', true)::int, 0),"
            + " pg_is_in_recovery(),"
            + " current_setting('transaction_read_only')::bool,"
            + " CASE WHEN NOT pg_is_in_recovery() THEN NULL"
            + " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            + " WHEN pg_last_xact_replay_timestamp() IS NULL THEN NULL"
            + " ELSE greatest(0, extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())) END::float8,"
            + " current_setting('server_version')";

    private ReadingStatement() {
    }

    /** The probe query followed by the reading, as one simple-query text. */
    static String after(String probeQuery) {
        String q = probeQuery.strip();
        while (q.endsWith(";")) {
            q = q.substring(0, q.length() - 1).stripTrailing();
        }
        return q + ";\n" + SQL;
    }

    /**
     * The reading from the statement's one row.
     *
     * @throws IllegalArgumentException when a column the server always fills is missing (not a PostgreSQL
     *                                  server, or a pooler answering for one)
     */
    static ServerReading parse(Integer used, Integer limit, Boolean inRecovery, Boolean readOnly, Double lagSeconds,
            String serverVersion) {
        if (used == null || limit == null || inRecovery == null || readOnly == null) {
            throw new IllegalArgumentException("the server reading came back incomplete");
        }
        Optional<Duration> lag = inRecovery && lagSeconds != null
                ? Optional.of(Duration.ofNanos(Math.round(lagSeconds * 1e9))) : Optional.empty();
        return new ServerReading(used, Math.max(0, limit), inRecovery, readOnly, lag, serverVersion);
    }
}
