package dev.cloudsqlguard.state;

import static dev.cloudsqlguard.config.Catalogue.PROBE_QUERY;
import static dev.cloudsqlguard.config.Catalogue.TARGET_DATABASE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_HOST;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SOCKET_DIR;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_MODE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_ROOT_CERT;
import static dev.cloudsqlguard.config.Catalogue.TARGET_USER;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one mapping from what a target's probes saw (stage, reason, SQLSTATE, latencies, the server's
 * reading) to a {@link Verdict}: which layer is at fault, in words an on-call engineer acts on, and
 * what to check next. Every reason code has its verdict here (a test walks them all). Pure.
 */
public final class Verdicts {

    private Verdicts() {
    }

    /** The target's verdict, or empty before its first probe. */
    public static Optional<Verdict> of(TargetState t) {
        return t.lastResult().map(r -> r.outcome() == Outcome.FAILED ? failed(t, r, r.reason().orElseThrow()) : answered(t, r));
    }

    private static Verdict failed(TargetState t, ProbeResult r, Reason reason) {
        boolean socket = t.endpoint().startsWith("unix:");
        String where = t.endpoint().substring(t.endpoint().indexOf(':') + 1);
        String detail = r.detail().isEmpty() ? reason.explanation() : r.detail();
        String sql = r.sqlState().map(s -> " (SQLSTATE " + s + ")").orElse("");
        return switch (reason) {
            case SOCKET_MISSING -> new Verdict(Layer.MOUNT, "the socket " + where + " is missing: " + detail,
                    "is the Cloud SQL connection mounted in this container? Cloud Run: the service's Cloud SQL connection "
                            + "(--add-cloudsql-instances) gives /cloudsql; Kubernetes: cloud-sql-proxy --unix-socket /cloudsql "
                            + "with a shared emptyDir at /cloudsql; check the instance connection name, then ls -la "
                            + parent(where));
            case NOT_A_SOCKET -> new Verdict(Layer.MOUNT, detail,
                    "the path must be the socket the Cloud SQL proxy creates: check " + TARGET_SOCKET_DIR.key() + " / instance and "
                            + "the volume mounted at " + parent(where));
            case DNS_FAILED -> new Verdict(Layer.NETWORK, "the host does not resolve: " + detail,
                    "check " + TARGET_HOST.key() + " and the private DNS zone from this container (getent hosts " + host(where) + ")");
            case CONNECT_REFUSED -> socket
                    ? new Verdict(Layer.PROXY, "the socket " + where + " exists but nothing accepts connections on it",
                            "a stale socket of a proxy or server that stopped: check the cloud-sql-proxy container (its "
                                    + "restarts and logs) or, on Cloud Run, the service's Cloud SQL connection")
                    : new Verdict(Layer.DATABASE, "nothing listens at " + where + ": " + detail,
                            "is the instance running (gcloud sql instances describe), and are its private IP and port right?");
            case CONNECT_TIMEOUT -> new Verdict(Layer.NETWORK, "no connection to " + where + " within the timeout",
                    "check the route to the instance: VPC connector or Direct VPC egress, firewall rules, the private IP");
            case IO_ERROR -> socket
                    ? new Verdict(Layer.PROXY, "the proxy accepted the connection and closed it before the database answered: "
                            + detail, "the proxy cannot reach the instance: read the cloud-sql-proxy logs (IAM permission "
                                    + "cloudsql.instances.connect, the instance name, the network to it)")
                    : new Verdict(Layer.NETWORK, "the connection to " + where + " broke before the server answered: " + detail,
                            "check the network path to the instance (a middlebox or firewall resetting connections)");
            case TLS_UNAVAILABLE -> new Verdict(Layer.DATABASE, "the server at " + where + " declined TLS: " + detail,
                    "enable TLS on the server (or the pooler in front of it), or lower " + TARGET_SSL_MODE.key() + " if encryption "
                            + "is not required");
            case TLS_FAILED -> new Verdict(Layer.CREDENTIALS, "the TLS handshake failed: " + detail,
                    "check " + TARGET_SSL_ROOT_CERT.key() + " (the instance's server CA), the host name the certificate names, "
                            + "and ssl-cert / ssl-key when the instance requires client certificates");
            case TLS_REQUIRED -> new Verdict(Layer.CREDENTIALS, "the server refuses unencrypted connections" + sql,
                    "set " + TARGET_SSL_MODE.key() + " to require, verify-ca or verify-full (the app needs the same)");
            case HANDSHAKE_TIMEOUT -> new Verdict(Layer.NETWORK, (socket ? "the proxy accepted the connection, but the "
                    + "database did not answer through it" : "connected to " + where + ", but the server did not answer")
                    + " within " + stageMillis(r, Stage.HANDSHAKE) + " ms",
                    "the path between " + (socket ? "the proxy" : "this container") + " and the instance is stalled (VPC "
                            + "connector, egress, a frozen instance): check the instance's status and the connector");
            case SERVER_STARTING, SERVER_SHUTTING_DOWN -> new Verdict(Layer.DATABASE, detail + sql,
                    "a restart, maintenance or failover: check the instance's operations log (gcloud sql operations list)");
            case TOO_MANY_CONNECTIONS -> new Verdict(Layer.DATABASE, "the database has no free connection slot" + sql
                    + headroom(t), "add up the pools of every client (instances x pool size), close idle sessions "
                            + "(pg_stat_activity), or raise the max_connections flag");
            case PROTOCOL_ERROR -> new Verdict(Layer.PROXY, "something that is not PostgreSQL answers at " + where + ": "
                    + detail, "check that the target is the database's socket or port, not another service");
            case AUTH_FAILED -> new Verdict(Layer.CREDENTIALS, "the database refuses the login" + sql + ": " + detail,
                    "check " + TARGET_USER.key() + " and its password (file, rotation), or for an IAM database user the proxy's "
                            + "--auto-iam-authn and the user's grants; waiting will not fix this");
            case DATABASE_MISSING -> new Verdict(Layer.CREDENTIALS, "the database does not exist" + sql + ": " + detail,
                    "check " + TARGET_DATABASE.key() + " (and the app's database name); waiting will not fix this");
            case READ_ONLY -> new Verdict(Layer.DATABASE, "the server is read-only where a primary is required: " + detail,
                    "a failover in progress, or the target points at a replica: check the instance's role");
            case NOT_A_REPLICA -> new Verdict(Layer.DATABASE, "the server is not a replica: " + detail,
                    "a promoted replica, or the target points at the primary: check the instance's role");
            case REPLICA_LAGGING -> new Verdict(Layer.DATABASE, "the replica is behind: " + detail,
                    "check the replica's CPU and I/O, long queries that hold back replay, and the primary's write rate");
            case QUERY_TIMEOUT -> new Verdict(Layer.DATABASE, "the database accepted the connection, but the query did "
                    + "not complete within " + stageMillis(r, Stage.QUERY) + " ms",
                    "the instance is overloaded or the session is blocked: check its CPU, I/O, locks and long queries");
            case QUERY_FAILED -> new Verdict(Layer.DATABASE, "the probe query failed" + sql + ": " + detail,
                    "read the SQLSTATE and message; check " + PROBE_QUERY.key() + " and the user's privileges");
        };
    }

    private static Verdict answered(TargetState t, ProbeResult r) {
        RecentProbes.Summary recent = t.recent();
        if (r.outcome() == Outcome.SLOW) {
            Map.Entry<Stage, Duration> slowest = r.latencies().entrySet().stream().max(Map.Entry.comparingByValue())
                    .orElseThrow();
            String saw = "the database answers slowly: " + millis(r.total()) + " ms, most of it in the "
                    + slowest.getKey().code() + " stage (" + millis(slowest.getValue()) + " ms)";
            return slowest.getKey() == Stage.QUERY
                    ? new Verdict(Layer.DATABASE, saw, "the instance is busy: check its CPU, I/O, locks and long queries")
                    : new Verdict(Layer.NETWORK, saw, "the path to the instance is slow: check the VPC connector or egress "
                            + "and the region of the instance");
        }
        if (t.headroomLow() && t.reading().isPresent()) {
            ServerReading s = t.reading().get().figures();
            return new Verdict(Layer.DATABASE, "the database answers, but only " + s.freeConnections() + " of "
                    + s.connectionsLimit() + " connection slots are free", "add up the pools of every client "
                            + "(instances x pool size), close idle sessions (pg_stat_activity), or raise max_connections");
        }
        String lag = t.reading().flatMap(x -> x.figures().replicationLag())
                .map(l -> String.format(Locale.ROOT, ", replay %.1f s behind", l.toMillis() / 1000.0)).orElse("");
        return new Verdict(Layer.HEALTHY, "the database answered " + recent.answered() + " of " + recent.probes()
                + " probes, median " + millis(recent.median()) + " ms" + lag,
                "if the app cannot connect, look at the app's own settings: the guard reaches " + t.endpoint()
                        + " with the same path the app should use");
    }

    private static String headroom(TargetState t) {
        return t.reading().map(r -> " (" + r.figures().connectionsUsed() + " in use of " + r.figures().connectionsLimit()
                + " usable, last read " + r.at() + ")").orElse("");
    }

    private static long stageMillis(ProbeResult r, Stage stage) {
        return r.latencies().getOrDefault(stage, r.total()).toMillis();
    }

    private static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        return ms < 10 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash > 0 ? path.substring(0, slash) : path;
    }

    private static String host(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 ? hostPort.substring(0, colon) : hostPort;
    }
}
