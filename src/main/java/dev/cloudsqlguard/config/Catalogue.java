package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Conversions.absoluteFile;
import static dev.cloudsqlguard.config.Conversions.absoluteFileOr;
import static dev.cloudsqlguard.config.Conversions.absolutePath;
import static dev.cloudsqlguard.config.Conversions.bool;
import static dev.cloudsqlguard.config.Conversions.decimal;
import static dev.cloudsqlguard.config.Conversions.duration;
import static dev.cloudsqlguard.config.Conversions.identifier;
import static dev.cloudsqlguard.config.Conversions.integer;
import static dev.cloudsqlguard.config.Conversions.list;
import static dev.cloudsqlguard.config.Conversions.nonEmptyText;
import static dev.cloudsqlguard.config.Conversions.oneOf;
import static dev.cloudsqlguard.config.Conversions.percent;
import static dev.cloudsqlguard.config.Conversions.secret;
import static dev.cloudsqlguard.config.Conversions.text;
import static dev.cloudsqlguard.config.Property.guardWide;
import static dev.cloudsqlguard.config.Property.target;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code guard.*} property the guard knows, in README order: the one place where a key,
 * its default, its conversion and its meaning are written. Target-scoped properties are declared
 * by suffix (see {@link Property}).
 */
public final class Catalogue {

    private static final Duration MS_1 = Duration.ofMillis(1);
    private static final Duration MS_10 = Duration.ofMillis(10);
    private static final Duration S_1 = Duration.ofSeconds(1);

    // ---- target -------------------------------------------------------------------------

    public static final Property<String> TARGET_INSTANCE = target("instance", null, text(),
            "Cloud SQL instance connection name `PROJECT:REGION:INSTANCE`; the socket is `<socket-dir>/<instance>/.s.PGSQL.<port>`");
    public static final Property<Path> TARGET_SOCKET_DIR = target("socket-dir", "/cloudsql", absolutePath(),
            "where the Cloud SQL proxy (or Cloud Run's Cloud SQL volume) puts its sockets");
    public static final Property<Path> TARGET_SOCKET = target("socket", null, absolutePath(),
            "a socket file path, named `.s.PGSQL.<port>` (at most 107 bytes, the Unix limit)");
    public static final Property<String> TARGET_HOST = target("host", null, text(),
            "TCP target (private IP or host name)");
    public static final Property<Integer> TARGET_PORT = target("port", "5432", integer(1, 65535),
            "port of the TCP target, and the `<port>` of an instance's socket file");
    public static final Property<String> TARGET_NAME = target("name", null, text(),
            "label in status, logs and metrics");
    public static final Property<String> TARGET_DATABASE = target("database", "postgres", identifier(),
            "database for the handshake and the query");
    public static final Property<String> TARGET_USER = target("user", null, text(),
            "enables the authenticated `query` stage; without it the probe stops after the handshake");
    public static final Property<Secret> TARGET_PASSWORD = target("password", null, secret(),
            "password (prefer the file)").asSecret();
    public static final Property<Path> TARGET_PASSWORD_FILE = target("password-file", null, absolutePath(),
            "file holding the password (a mounted Secret); re-read on every new connection, so rotation needs no restart");
    public static final Property<Role> TARGET_ROLE = target("role", "any", oneOf(Role.values(), Role::code),
            "`primary`: report `read_only` when the server is a replica or read-only; `replica`: report `not_a_replica` "
                    + "when it is not in recovery; `any`: either (a role needs a user)");
    public static final Property<Boolean> TARGET_REQUIRE_PRIMARY = target("require-primary", "false", bool(),
            "deprecated: `true` is `role=primary`");
    public static final Property<Boolean> TARGET_REQUIRED = target("required", "true", bool(),
            "whether the target gates `/q/health/started` and `/q/health/ready`; an optional target is reported "
                    + "everywhere but never gates");

    public static final Property<TlsMode> TARGET_SSL_MODE = target("ssl-mode", "prefer", oneOf(TlsMode.values(),
            TlsMode::code), "TLS of a TCP target, with libpq's meanings: `disable`, `allow`, `prefer`, `require`, "
                    + "`verify-ca`, `verify-full` (not for a socket target: the proxy encrypts)");
    public static final Property<String> TARGET_SSL_ROOT_CERT = target("ssl-root-cert", null,
            absoluteFileOr(TlsSettings.TrustRoots.SYSTEM), "PEM file of the CA the server's certificate must chain to "
                    + "(Cloud SQL's `server-ca.pem`), or `system` for the JDK's trust store; when set, every TLS mode verifies the chain");
    public static final Property<Path> TARGET_SSL_CERT = target("ssl-cert", null, absoluteFile(),
            "PEM client certificate (Cloud SQL `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`, `hostssl ... cert`)");
    public static final Property<Path> TARGET_SSL_KEY = target("ssl-key", null, absoluteFile(),
            "its unencrypted PEM private key (PKCS#8, RSA or EC); checked against the certificate at startup");
    public static final Property<Duration> TARGET_MAX_REPLICATION_LAG = target("max-replication-lag", null,
            duration(MS_1), "a server in recovery (a replica) whose replay is further behind than this fails its probes "
                    + "with `replica_lagging`, so its circuit opens like any degradation (needs a user)");

    // ---- probe --------------------------------------------------------------------------

    public static final Property<Duration> PROBE_INTERVAL = guardWide("guard.probe.interval", "500ms", duration(MS_10),
            "pause between probes while healthy (with a user, a probe is then one round trip on the kept session: no new "
                    + "connection, no fork on the server)");
    public static final Property<Duration> PROBE_TIMEOUT = guardWide("guard.probe.timeout", "1s", duration(MS_10),
            "bound on **every** stage (connect, handshake, query — the PostgreSQL client bounds neither the login nor a query by itself)");
    public static final Property<Duration> PROBE_SESSION_TIMEOUT = guardWide("guard.probe.session-timeout", "300ms",
            duration(MS_10), "bound on a probe's round trip on the kept session (normally about a millisecond); past it "
                    + "the probe fails with `query_timeout` and the next one walks a new connection at once (capped by "
                    + "the timeout above)");
    public static final Property<Duration> PROBE_NEW_CONNECTION_INTERVAL = guardWide("guard.probe.new-connection-interval",
            "30s", duration(MS_10), "while the kept session is healthy, how often a probe also walks a **new** connection "
                    + "(socket, connect, handshake) to prove the app can still open one; every probe does at startup, at "
                    + "once after a failed or slow probe, and for a target without a user");
    public static final Property<Duration> PROBE_STARTUP_INTERVAL = guardWide("guard.probe.startup-interval", "100ms",
            duration(MS_10), "pause between probes until the first success; on top of that the guard watches the socket "
                    + "directory and probes the moment the socket appears");
    public static final Property<Duration> PROBE_SLOW_THRESHOLD = guardWide("guard.probe.slow-threshold", "500ms",
            duration(MS_1), "a probe slower than this is `slow`");
    public static final Property<String> PROBE_QUERY = guardWide("guard.probe.query", "SELECT 1", nonEmptyText(),
            "statement of the query stage");
    public static final Property<Duration> PROBE_SESSION_MAX_AGE = guardWide("guard.probe.session-max-age", "10m",
            duration(S_1), "the kept session is re-opened after this long (at the next walk, whose new connection its "
                    + "login then is), so a rotated or revoked password shows up as `auth_failed` within that time and one "
                    + "new-connection interval");

    public static final Property<Float> PROBE_HEADROOM_WARNING = guardWide("guard.probe.headroom-warning", "10",
            percent(), "warn (status, one log line, metric) when the free connection slots fall under this % of the usable "
                    + "limit; readiness is not affected, the database still answers");

    // ---- circuit ------------------------------------------------------------------------

    public static final Property<Integer> CIRCUIT_WINDOW_SIZE = guardWide("guard.circuit.window-size", "4",
            integer(1, 1000), "probes in the sliding window");
    public static final Property<Integer> CIRCUIT_MINIMUM_PROBES = guardWide("guard.circuit.minimum-probes", "4",
            integer(1, 1000), "probes needed before the rates count");
    public static final Property<Float> CIRCUIT_FAILURE_RATE_THRESHOLD = guardWide("guard.circuit.failure-rate-threshold",
            "50", percent(), "% of failed probes in the window that opens the circuit");
    public static final Property<Float> CIRCUIT_SLOW_RATE_THRESHOLD = guardWide("guard.circuit.slow-rate-threshold",
            "75", percent(), "% of slow probes in the window that opens the circuit (one slow probe never does)");
    public static final Property<Duration> CIRCUIT_OPEN_WAIT = guardWide("guard.circuit.open-wait", "5s",
            duration(MS_10), "wait in OPEN before trial probes…");
    public static final Property<Double> CIRCUIT_OPEN_WAIT_SPREAD = guardWide("guard.circuit.open-wait-spread", "0.5",
            decimal(0.0, 0.99), "…randomised ±50 % (2.5 s–7.5 s) so a fleet does not stampede a recovering database");
    public static final Property<Integer> CIRCUIT_HALF_OPEN_PROBES = guardWide("guard.circuit.half-open-probes", "2",
            integer(1, 100), "good trial probes that close the circuit; one bad (failed or slow) trial re-opens it");
    public static final Property<Duration> CIRCUIT_RECHECK_INTERVAL = guardWide("guard.circuit.recheck-interval", "250ms",
            duration(MS_10), "probe pace after a bad probe while CLOSED, and in HALF_OPEN");

    // ---- signals and admin --------------------------------------------------------------

    public static final Property<Path> SIGNAL_STATE_FILE = guardWide("guard.signal.state-file", null, absoluteFile(),
            "JSON state file, replaced atomically (temp file + rename) on every change; its directory is created if "
                    + "missing and must take new files (checked at startup)");
    public static final Property<Duration> SIGNAL_SSE_KEEP_ALIVE = guardWide("guard.signal.sse-keep-alive", "15s",
            duration(S_1), "keep-alive comment interval on `/guard/events`");
    public static final Property<List<String>> WEBHOOK_URLS = guardWide("guard.signal.webhook.urls", null, list(),
            "comma-separated URLs receiving every transition as a JSON POST");
    public static final Property<Secret> WEBHOOK_SECRET = guardWide("guard.signal.webhook.secret", null, secret(),
            "HMAC key: adds `X-Guard-Signature: sha256=<hex HMAC-SHA256 of the body>`").asSecret();
    public static final Property<Duration> WEBHOOK_TIMEOUT = guardWide("guard.signal.webhook.timeout", "2s",
            duration(MS_10), "per request");
    public static final Property<Integer> WEBHOOK_MAX_ATTEMPTS = guardWide("guard.signal.webhook.max-attempts", "5",
            integer(1, 100), "attempts per event (retries on network errors, 408, 429, 5xx; doubling backoff)");
    public static final Property<Duration> WEBHOOK_BACKOFF = guardWide("guard.signal.webhook.backoff", "500ms",
            duration(MS_1), "first retry delay (doubles, capped at 30 s)");
    public static final Property<Integer> WEBHOOK_QUEUE_SIZE = guardWide("guard.signal.webhook.queue-size", "256",
            integer(1, 100_000), "undelivered events kept per URL; beyond it the oldest are dropped, counted and logged");
    public static final Property<Boolean> ADMIN_ENABLED = guardWide("guard.admin.enabled", "false", bool(),
            "enables `/guard/admin/`");
    public static final Property<Secret> ADMIN_TOKEN = guardWide("guard.admin.token", null, secret(),
            "bearer token required by `/guard/admin/` (at least 16 characters)").asSecret();

    /** All properties, in README order. */
    public static final List<Property<?>> ALL = List.of(
            TARGET_INSTANCE, TARGET_SOCKET_DIR, TARGET_SOCKET, TARGET_HOST, TARGET_PORT, TARGET_NAME, TARGET_DATABASE,
            TARGET_USER, TARGET_PASSWORD, TARGET_PASSWORD_FILE, TARGET_ROLE, TARGET_REQUIRE_PRIMARY, TARGET_REQUIRED,
            TARGET_SSL_MODE, TARGET_SSL_ROOT_CERT, TARGET_SSL_CERT, TARGET_SSL_KEY, TARGET_MAX_REPLICATION_LAG,
            PROBE_INTERVAL, PROBE_TIMEOUT, PROBE_SESSION_TIMEOUT, PROBE_NEW_CONNECTION_INTERVAL, PROBE_STARTUP_INTERVAL,
            PROBE_SLOW_THRESHOLD, PROBE_QUERY, PROBE_SESSION_MAX_AGE, PROBE_HEADROOM_WARNING,
            CIRCUIT_WINDOW_SIZE, CIRCUIT_MINIMUM_PROBES, CIRCUIT_FAILURE_RATE_THRESHOLD, CIRCUIT_SLOW_RATE_THRESHOLD,
            CIRCUIT_OPEN_WAIT, CIRCUIT_OPEN_WAIT_SPREAD, CIRCUIT_HALF_OPEN_PROBES, CIRCUIT_RECHECK_INTERVAL,
            SIGNAL_STATE_FILE, SIGNAL_SSE_KEEP_ALIVE, WEBHOOK_URLS, WEBHOOK_SECRET, WEBHOOK_TIMEOUT, WEBHOOK_MAX_ATTEMPTS,
            WEBHOOK_BACKOFF, WEBHOOK_QUEUE_SIZE, ADMIN_ENABLED, ADMIN_TOKEN);

    /** Every key with its default text (null: no default), in README order. */
    public static final Map<String, String> DEFAULTS;

    /** Keys whose values are secrets: never echoed in messages. */
    public static final Set<String> SECRET_PROPERTIES;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        Set<String> secrets = new LinkedHashSet<>();
        for (Property<?> p : ALL) {
            if (defaults.containsKey(p.key())) {
                throw new IllegalStateException("declared twice: " + p.key());
            }
            defaults.put(p.key(), p.defaultValue().orElse(null));
            if (p.secret()) {
                secrets.add(p.key());
            }
        }
        DEFAULTS = Collections.unmodifiableMap(defaults);
        SECRET_PROPERTIES = Collections.unmodifiableSet(secrets);
    }

    private Catalogue() {
    }

    /** The environment variable spelling of a property: {@code guard.probe.slow-threshold} → {@code GUARD_PROBE_SLOW_THRESHOLD}. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
