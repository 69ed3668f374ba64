package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsParserTest {

    static final String INSTANCE = "my-project:europe-west1:main-db";
    static final String PASSWORD_FILE = "/run/secrets/db-password";

    /** Files the fake reader knows; anything else is missing. */
    final Map<Path, String> files = new HashMap<>();
    final SettingsParser parser = new SettingsParser(path -> {
        String text = files.get(path);
        if (text == null) {
            throw new NoSuchFileException(path.toString());
        }
        return text;
    });

    // ---- helpers ---------------------------------------------------------------------------

    static Map<String, String> props(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    GuardSettings parse(String... keyValues) {
        return parser.parse(props(keyValues));
    }

    /** Parses with a valid instance target plus the given properties. */
    GuardSettings parseWithInstance(String... keyValues) {
        Map<String, String> m = props("guard.target.instance", INSTANCE);
        m.putAll(props(keyValues));
        return parser.parse(m);
    }

    InvalidConfigException invalid(Map<String, String> raw) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> parser.parse(raw));
        assertThat(e).as("expected InvalidConfigException for %s", raw).isNotNull();
        assertThat(e.getMessage()).startsWith("invalid configuration: ");
        assertThat(e.problems()).isNotEmpty();
        for (ConfigProblem p : e.problems()) {
            assertThat(e.getMessage()).contains(p.property() + ": " + p.message());
        }
        assertThat(e.getCause()).isNull();
        return e;
    }

    InvalidConfigException invalid(String... keyValues) {
        return invalid(props(keyValues));
    }

    InvalidConfigException invalidWithInstance(String... keyValues) {
        Map<String, String> m = props("guard.target.instance", INSTANCE);
        m.putAll(props(keyValues));
        return invalid(m);
    }

    /** Asserts the exception holds exactly one problem, on that property, whose message contains the fragments. */
    static ConfigProblem single(InvalidConfigException e, String property, String... fragments) {
        assertThat(e.problems()).as("problems of: %s", e.getMessage()).hasSize(1);
        ConfigProblem p = e.problems().get(0);
        assertThat(p.property()).as(e.getMessage()).isEqualTo(property);
        if (fragments.length > 0) {
            assertThat(p.message()).contains(fragments);
        }
        assertThat(e.getMessage()).isEqualTo("invalid configuration: " + property + ": " + p.message());
        return p;
    }

    static Path socketFile(GuardSettings s) {
        assertThat(s.targets().get(0).endpoint()).isInstanceOf(Endpoint.UnixSocket.class);
        return ((Endpoint.UnixSocket) s.targets().get(0).endpoint()).socketFile();
    }

    // ---- defaults --------------------------------------------------------------------------

    @Test
    void defaultsWithAnInstance() {
        GuardSettings s = parse("guard.target.instance", "p:r:i");

        TargetSettings t = s.targets().get(0);
        assertThat(t.name()).isEqualTo("p:r:i");
        assertThat(t.endpoint()).isEqualTo(new Endpoint.UnixSocket(Path.of("/cloudsql/p:r:i/.s.PGSQL.5432"), 5432));
        assertThat(t.endpoint().describe()).isEqualTo("unix:/cloudsql/p:r:i/.s.PGSQL.5432");
        assertThat(((Endpoint.UnixSocket) t.endpoint()).directory()).isEqualTo(Path.of("/cloudsql/p:r:i"));
        assertThat(t.database()).isEqualTo("postgres");
        assertThat(t.user()).isEmpty();
        assertThat(t.password()).isEmpty();
        assertThat(t.role()).isEqualTo(Role.ANY);
        assertThat(t.required()).isTrue();
        assertThat(t.hasCredentials()).isFalse();
        assertThat(t.handshakeUser()).isEqualTo("postgres");
        assertThat(t.tls()).isEqualTo(TlsSettings.NONE);

        assertThat(s.probe()).isEqualTo(new ProbeSettings(Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMillis(500), "SELECT 1",
                Duration.ofMinutes(10), 10f));
        assertThat(s.circuit()).isEqualTo(new CircuitSettings(4, 4, 50f, 75f, Duration.ofSeconds(5), 0.5, 2,
                Duration.ofMillis(250)));

        assertThat(s.signal().stateFile()).isEmpty();
        assertThat(s.signal().sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
        WebhookSettings w = s.signal().webhook();
        assertThat(w.urls()).isEmpty();
        assertThat(w.secret()).isEmpty();
        assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(w.maxAttempts()).isEqualTo(5);
        assertThat(w.backoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(w.queueSize()).isEqualTo(256);

        assertThat(s.admin().enabled()).isFalse();
        assertThat(s.admin().token()).isEmpty();
    }

    @Test
    void defaultsTableListsEveryPropertyOnceWithTheDocumentedDefaults() {
        assertThat(Catalogue.DEFAULTS).hasSize(45);
        assertThat(Catalogue.DEFAULTS).containsEntry("guard.target.ssl-mode", "prefer");
        assertThat(Catalogue.DEFAULTS).containsEntry("guard.probe.session-max-age", "10m");
        assertThat(Catalogue.DEFAULTS.keySet()).allMatch(k -> k.startsWith("guard.") && k.matches("[a-z.\\-]+"));
        assertThat(Catalogue.DEFAULTS)
                .containsEntry("guard.target.socket-dir", "/cloudsql")
                .containsEntry("guard.target.port", "5432")
                .containsEntry("guard.probe.interval", "500ms")
                .containsEntry("guard.probe.session-timeout", "300ms")
                .containsEntry("guard.probe.new-connection-interval", "30s")
                .containsEntry("guard.probe.headroom-warning", "10")
                .containsEntry("guard.circuit.window-size", "4")
                .containsEntry("guard.admin.enabled", "false")
                .containsEntry("guard.target.instance", null);
        assertThat(Catalogue.SECRET_PROPERTIES)
                .containsExactlyInAnyOrder("guard.target.password", "guard.signal.webhook.secret", "guard.admin.token");
        assertThat(Catalogue.DEFAULTS.keySet()).containsAll(Catalogue.SECRET_PROPERTIES);
    }

    @Test
    void absentAndDefaultValuedPropertiesGiveTheSameSettingsExceptSecrets() {
        Map<String, String> explicit = new LinkedHashMap<>();
        Catalogue.DEFAULTS.forEach((k, v) -> {
            if (v != null) {
                explicit.put(k, v);
            }
        });
        explicit.put("guard.target.instance", INSTANCE);
        GuardSettings a = parser.parse(explicit);
        GuardSettings b = parseWithInstance();
        assertThat(a.targets().get(0)).isEqualTo(b.targets().get(0));
        assertThat(a.probe()).isEqualTo(b.probe());
        assertThat(a.circuit()).isEqualTo(b.circuit());
        assertThat(a.signal()).isEqualTo(b.signal());
    }

    // ---- target forms ----------------------------------------------------------------------

    @Test
    void instanceWithSocketDir() {
        GuardSettings s = parse("guard.target.instance", INSTANCE, "guard.target.socket-dir", "/run/cloudsql");
        assertThat(socketFile(s)).isEqualTo(Path.of("/run/cloudsql/" + INSTANCE + "/.s.PGSQL.5432"));
        assertThat(s.targets().get(0).endpoint().port()).isEqualTo(5432);
        assertThat(s.targets().get(0).name()).isEqualTo(INSTANCE);
    }

    @Test
    void socketDirIsNormalised() {
        assertThat(socketFile(parse("guard.target.instance", "p:r:i", "guard.target.socket-dir", "/run//cloudsql/")))
                .isEqualTo(Path.of("/run/cloudsql/p:r:i/.s.PGSQL.5432"));
        assertThat(socketFile(parse("guard.target.instance", "p:r:i", "guard.target.socket-dir", "/var/../cloudsql")))
                .isEqualTo(Path.of("/cloudsql/p:r:i/.s.PGSQL.5432"));
    }

    @Test
    void instanceWithPortNamesTheSocketFile() {
        GuardSettings s = parse("guard.target.instance", "p:r:i", "guard.target.port", "6432");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(new Endpoint.UnixSocket(Path.of("/cloudsql/p:r:i/.s.PGSQL.6432"), 6432));
    }

    @Test
    void domainScopedInstance() {
        GuardSettings s = parse("guard.target.instance", "example.com:my-project:us-central1:db-1");
        assertThat(socketFile(s)).isEqualTo(Path.of("/cloudsql/example.com:my-project:us-central1:db-1/.s.PGSQL.5432"));
        assertThat(s.targets().get(0).name()).isEqualTo("example.com:my-project:us-central1:db-1");
    }

    @Test
    void valuesAreTrimmed() {
        GuardSettings s = parse("guard.target.instance", "  p:r:i \n", "guard.target.port", " 5433 ");
        assertThat(socketFile(s)).isEqualTo(Path.of("/cloudsql/p:r:i/.s.PGSQL.5433"));
    }

    @Test
    void explicitName() {
        assertThat(parseWithInstance("guard.target.name", "orders-db").targets().get(0).name()).isEqualTo("orders-db");
        assertThat(parseWithInstance("guard.target.name", "x".repeat(128)).targets().get(0).name()).hasSize(128);
    }

    @Test
    void badNames() {
        single(invalidWithInstance("guard.target.name", "x".repeat(129)), "guard.target.name", "128 printable ASCII");
        single(invalidWithInstance("guard.target.name", "bäckerei"), "guard.target.name", "printable ASCII");
        single(invalidWithInstance("guard.target.name", "a\tb"), "guard.target.name", "printable ASCII");
    }

    @Test
    void socketGivesThePortFromTheFileName() {
        GuardSettings s = parse("guard.target.socket", "/cloudsql/" + INSTANCE + "/.s.PGSQL.5433");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(
                new Endpoint.UnixSocket(Path.of("/cloudsql/" + INSTANCE + "/.s.PGSQL.5433"), 5433));
        assertThat(s.targets().get(0).name()).as("named after the instance directory").isEqualTo(INSTANCE);
    }

    @Test
    void socketOutsideAnInstanceDirectoryIsNamedByItsPath() {
        GuardSettings s = parse("guard.target.socket", "/var/run/postgresql/.s.PGSQL.5432");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(new Endpoint.UnixSocket(Path.of("/var/run/postgresql/.s.PGSQL.5432"), 5432));
        assertThat(s.targets().get(0).name()).isEqualTo("/var/run/postgresql/.s.PGSQL.5432");
    }

    @Test
    void socketInTheRootDirectory() {
        GuardSettings s = parse("guard.target.socket", "/.s.PGSQL.5432");
        assertThat(s.targets().get(0).endpoint().port()).isEqualTo(5432);
        assertThat(s.targets().get(0).name()).isEqualTo("/.s.PGSQL.5432");
    }

    @Test
    void socketWithTheSamePortIsFine() {
        GuardSettings s = parse("guard.target.socket", "/tmp/.s.PGSQL.6432", "guard.target.port", "6432");
        assertThat(s.targets().get(0).endpoint().port()).isEqualTo(6432);
    }

    @Test
    void socketIgnoresSocketDir() {
        GuardSettings s = parse("guard.target.socket", "/tmp/.s.PGSQL.5432", "guard.target.socket-dir", "/elsewhere");
        assertThat(socketFile(s)).isEqualTo(Path.of("/tmp/.s.PGSQL.5432"));
    }

    @Test
    void hostAndPort() {
        GuardSettings s = parse("guard.target.host", "10.20.0.5", "guard.target.port", "6543");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("10.20.0.5", 6543));
        assertThat(s.targets().get(0).endpoint().describe()).isEqualTo("tcp:10.20.0.5:6543");
        assertThat(s.targets().get(0).name()).isEqualTo("10.20.0.5:6543");
    }

    @Test
    void hostWithTheDefaultPort() {
        GuardSettings s = parse("guard.target.host", "db.internal.example.com");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("db.internal.example.com", 5432));
        assertThat(s.targets().get(0).name()).isEqualTo("db.internal.example.com:5432");
    }

    @Test
    void ipv6InBrackets() {
        GuardSettings s = parse("guard.target.host", "[2001:db8::1]", "guard.target.port", "6432");
        assertThat(s.targets().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("2001:db8::1", 6432));
        assertThat(s.targets().get(0).name()).isEqualTo("[2001:db8::1]:6432");
    }

    @Test
    void bareIpv6() {
        assertThat(parse("guard.target.host", "::1").targets().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("::1", 5432));
    }

    @ParameterizedTest(name = "host ''{0}''")
    @ValueSource(strings = {"db host", "db;rm -rf", "user@db", "db/x", "http://db", "db:5432", "[::1", "::1]", "[db.example.com]"})
    void badHosts(String host) {
        single(invalid("guard.target.host", host), "guard.target.host", "not a host name or IP address");
    }

    // ---- exactly one form ------------------------------------------------------------------

    @Test
    void none() {
        ConfigProblem p = single(invalid(), "guard.target.instance", "no database target");
        assertThat(p.message()).contains("guard.target.instance", "guard.target.socket", "guard.target.host");
    }

    @Test
    void blankValuesCountAsUnset() {
        single(invalid("guard.target.instance", "", "guard.target.socket", "  ", "guard.target.host", "\t"),
                "guard.target.instance", "no database target");
    }

    @Test
    void instanceAndSocket() {
        single(invalid("guard.target.instance", INSTANCE, "guard.target.socket", "/tmp/.s.PGSQL.5432"),
                "guard.target.socket", "conflicts with guard.target.instance", "exactly one");
    }

    @Test
    void instanceAndHost() {
        single(invalid("guard.target.instance", INSTANCE, "guard.target.host", "10.0.0.1"),
                "guard.target.host", "conflicts with guard.target.instance");
    }

    @Test
    void socketAndHost() {
        single(invalid("guard.target.socket", "/tmp/.s.PGSQL.5432", "guard.target.host", "10.0.0.1"),
                "guard.target.host", "conflicts with guard.target.socket");
    }

    @Test
    void allThree() {
        ConfigProblem p = single(invalid("guard.target.instance", INSTANCE, "guard.target.socket", "/tmp/.s.PGSQL.5432",
                "guard.target.host", "10.0.0.1"), "guard.target.socket", "conflicts with guard.target.instance");
        assertThat(p.message()).contains("guard.target.host");
    }

    @Test
    void socketDirAndPortAloneAreNoTarget() {
        single(invalid("guard.target.socket-dir", "/cloudsql", "guard.target.port", "5432"),
                "guard.target.instance", "no database target");
    }

    // ---- socket path length ----------------------------------------------------------------

    /** "/p:r:i/.s.PGSQL.5432" is 20 bytes; the directory makes up the rest. */
    String dirFor(int totalBytes) {
        return "/" + "d".repeat(totalBytes - 20 - 1);
    }

    @Test
    void exactly107BytesViaSocketDirPasses() {
        Path file = socketFile(parse("guard.target.instance", "p:r:i", "guard.target.socket-dir", dirFor(107)));
        assertThat(file.toString()).hasSize(107);
    }

    @Test
    void over107BytesViaSocketDir() {
        ConfigProblem p = single(invalid("guard.target.instance", "p:r:i", "guard.target.socket-dir", dirFor(108)),
                "guard.target.instance", "108 bytes", "107-byte limit", "guard.target.socket-dir");
        assertThat(p.message()).contains(dirFor(108) + "/p:r:i/.s.PGSQL.5432");
    }

    @Test
    void longPortMakesThePathLonger() {
        // 5 digits instead of 4: the 107-byte directory choice becomes 108 bytes.
        single(invalid("guard.target.instance", "p:r:i", "guard.target.socket-dir", dirFor(107), "guard.target.port", "54321"),
                "guard.target.instance", "108 bytes");
    }

    @Test
    void bytesNotCharactersAreCounted() {
        // "é" is 2 bytes in UTF-8: 44 of them + "/" + 20 = 109 bytes but only 65 characters.
        String dir = "/" + "é".repeat(44);
        single(invalid("guard.target.instance", "p:r:i", "guard.target.socket-dir", dir),
                "guard.target.instance", "109 bytes");
        String fits = "/" + "é".repeat(43); // 1 + 86 + 20 = 107
        assertThat(socketFile(parse("guard.target.instance", "p:r:i", "guard.target.socket-dir", fits))).isNotNull();
    }

    @Test
    void exactly107BytesViaSocketPasses() {
        String socket = "/" + "s".repeat(107 - 1 - 14) + "/.s.PGSQL.5432";
        assertThat(socket).hasSize(107);
        assertThat(socketFile(parse("guard.target.socket", socket)).toString()).isEqualTo(socket);
    }

    @Test
    void over107BytesViaSocket() {
        String socket = "/" + "s".repeat(108 - 1 - 14) + "/.s.PGSQL.5432";
        assertThat(socket).hasSize(108);
        single(invalid("guard.target.socket", socket), "guard.target.socket", "108 bytes", "107-byte limit");
    }

    @Test
    void muchLongerPath() {
        single(invalid("guard.target.instance", "p:r:i", "guard.target.socket-dir", "/" + "x".repeat(300)),
                "guard.target.instance", "321 bytes");
    }

    // ---- instance names, paths, socket files, ports ----------------------------------------

    @ParameterizedTest(name = "instance ''{0}''")
    @ValueSource(strings = {"p:r", "project", "P:R:I", "My-Project:europe-west1:db", "p:r:i:x:y", "p r:i:x", "p:r:",
            ":r:i", "p::i", "p:r:i/x", "-p:r:i", "p:r:_i", "p:r:i ii", "/cloudsql/p:r:i", "p:r:i:"})
    void badInstanceNames(String instance) {
        ConfigProblem p = single(invalid("guard.target.instance", instance), "guard.target.instance",
                "not a Cloud SQL instance connection name", "PROJECT:REGION:INSTANCE");
        assertThat(p.message()).contains("'" + instance.trim() + "'");
    }

    @Test
    void relativeSocketDir() {
        single(invalid("guard.target.instance", INSTANCE, "guard.target.socket-dir", "cloudsql"),
                "guard.target.socket-dir", "'cloudsql' must be an absolute path");
    }

    @Test
    void relativeSocket() {
        single(invalid("guard.target.socket", "cloudsql/p:r:i/.s.PGSQL.5432"),
                "guard.target.socket", "must be an absolute path");
        single(invalid("guard.target.socket", ".s.PGSQL.5432"), "guard.target.socket", "must be an absolute path");
    }

    @Test
    void invalidPathCharacters() {
        single(invalid("guard.target.socket", "/tmp/\0/.s.PGSQL.5432"), "guard.target.socket", "not a valid path");
    }

    @ParameterizedTest(name = "socket ''{0}''")
    @ValueSource(strings = {"/cloudsql/p:r:i/socket", "/cloudsql/p:r:i/.s.PGSQL.", "/cloudsql/p:r:i/.s.PGSQL.abc",
            "/cloudsql/p:r:i/.s.PGSQL.5432.lock", "/cloudsql/p:r:i/", "/cloudsql/p:r:i", "/", "/tmp/s.PGSQL.5432",
            "/tmp/.S.PGSQL.5432", "/tmp/.s.PGSQL.123456", "/tmp/.s.PGSQL.-1"})
    void socketFileNotNamedLikePostgres(String socket) {
        single(invalid("guard.target.socket", socket), "guard.target.socket", ".s.PGSQL.<port>");
    }

    @ParameterizedTest(name = "socket port {0}")
    @ValueSource(strings = {"0", "00000", "65536", "99999"})
    void socketPortOutOfRange(String port) {
        single(invalid("guard.target.socket", "/tmp/.s.PGSQL." + port), "guard.target.socket",
                "out of range 1-65535");
    }

    @Test
    void socketPortBoundaries() {
        assertThat(parse("guard.target.socket", "/tmp/.s.PGSQL.1").targets().get(0).endpoint().port()).isEqualTo(1);
        assertThat(parse("guard.target.socket", "/tmp/.s.PGSQL.65535").targets().get(0).endpoint().port()).isEqualTo(65535);
    }

    @ParameterizedTest(name = "port ''{0}''")
    @CsvSource(delimiter = '|', value = {
            "0 | outside 1-65535",
            "65536 | outside 1-65535",
            "-1 | outside 1-65535",
            "99999999999 | not a whole number",
            "abc | not a whole number",
            "54 32 | not a whole number",
            "5432.0 | not a whole number",
            "0x1538 | not a whole number",
    })
    void badPortWithHost(String port, String fragment) {
        single(invalid("guard.target.host", "10.0.0.1", "guard.target.port", port), "guard.target.port", fragment);
    }

    @ParameterizedTest(name = "port ''{0}''")
    @ValueSource(strings = {"0", "65536", "abc"})
    void badPortWithInstance(String port) {
        single(invalid("guard.target.instance", INSTANCE, "guard.target.port", port), "guard.target.port");
    }

    @ParameterizedTest(name = "port ''{0}'' with a socket")
    @ValueSource(strings = {"0", "65536", "abc"})
    void badPortWithSocketIsReportedOnceAndPlainly(String port) {
        ConfigProblem p = single(invalid("guard.target.socket", "/tmp/.s.PGSQL.5432", "guard.target.port", port),
                "guard.target.port");
        assertThat(p.message()).doesNotContain("-1");
    }

    @Test
    void portBoundaries() {
        assertThat(parse("guard.target.host", "h", "guard.target.port", "1").targets().get(0).endpoint().port()).isEqualTo(1);
        assertThat(parse("guard.target.host", "h", "guard.target.port", "65535").targets().get(0).endpoint().port()).isEqualTo(65535);
    }

    @Test
    void portConflictingWithTheSocketFileName() {
        single(invalid("guard.target.socket", "/tmp/.s.PGSQL.5432", "guard.target.port", "6432"),
                "guard.target.port", "is 6432 but the socket file name says 5432", "leave guard.target.port unset");
    }

    // ---- database, user, password ----------------------------------------------------------

    @Test
    void database() {
        assertThat(parseWithInstance("guard.target.database", "orders").targets().get(0).database()).isEqualTo("orders");
        assertThat(parseWithInstance("guard.target.database", "d".repeat(63)).targets().get(0).database()).hasSize(63);
        assertThat(parseWithInstance("guard.target.database", "é".repeat(31)).targets().get(0).database()).hasSize(31);
    }

    @Test
    void databaseEmpty() {
        single(invalidWithInstance("guard.target.database", ""), "guard.target.database", "must not be empty");
        single(invalidWithInstance("guard.target.database", "   "), "guard.target.database", "must not be empty");
    }

    @Test
    void databaseTooLong() {
        single(invalidWithInstance("guard.target.database", "d".repeat(64)), "guard.target.database", "63-byte");
        single(invalidWithInstance("guard.target.database", "é".repeat(32)), "guard.target.database", "63-byte");
    }

    @Test
    void userAndLiteralPassword() throws IOException {
        GuardSettings s = parseWithInstance("guard.target.user", "guard", "guard.target.password", "pa55word");
        assertThat(s.targets().get(0).user()).contains("guard");
        assertThat(s.targets().get(0).hasCredentials()).isTrue();
        assertThat(s.targets().get(0).handshakeUser()).isEqualTo("guard");
        assertThat(s.targets().get(0).password()).hasValueSatisfying(p -> assertThat(p).isInstanceOf(PasswordSource.Literal.class));
        assertThat(s.targets().get(0).password().get().read()).isEqualTo("pa55word");
        assertThat(s.targets().get(0).toString()).doesNotContain("pa55word");
    }

    @Test
    void passwordIsNotTrimmed() throws IOException {
        GuardSettings s = parseWithInstance("guard.target.user", "guard", "guard.target.password", " spaced ");
        assertThat(s.targets().get(0).password().get().read()).isEqualTo(" spaced ");
    }

    @Test
    void userWithoutPasswordIsFine() {
        GuardSettings s = parseWithInstance("guard.target.user", "iam-user@my-project.iam");
        assertThat(s.targets().get(0).user()).contains("iam-user@my-project.iam");
        assertThat(s.targets().get(0).password()).isEmpty();
    }

    @Test
    void passwordFile() throws IOException {
        files.put(Path.of(PASSWORD_FILE), "from-file\n");
        GuardSettings s = parseWithInstance("guard.target.user", "guard", "guard.target.password-file", PASSWORD_FILE);
        assertThat(s.targets().get(0).password()).hasValueSatisfying(p -> {
            assertThat(p).isInstanceOf(PasswordSource.File.class);
            assertThat(((PasswordSource.File) p).path()).isEqualTo(Path.of(PASSWORD_FILE));
            assertThat(p.toString()).doesNotContain("from-file");
        });
    }

    @Test
    void passwordWithoutUser() {
        single(invalidWithInstance("guard.target.password", "pa55word"), "guard.target.password",
                "has no effect without guard.target.user");
    }

    @Test
    void passwordFileWithoutUser() {
        files.put(Path.of(PASSWORD_FILE), "x");
        single(invalidWithInstance("guard.target.password-file", PASSWORD_FILE), "guard.target.password-file",
                "has no effect without guard.target.user");
    }

    @Test
    void passwordAndPasswordFile() {
        files.put(Path.of(PASSWORD_FILE), "x");
        ConfigProblem p = single(invalidWithInstance("guard.target.user", "guard", "guard.target.password", "pa55word",
                "guard.target.password-file", PASSWORD_FILE), "guard.target.password-file", "conflicts with guard.target.password");
        assertThat(p.message()).doesNotContain("pa55word");
    }

    @Test
    void unreadablePasswordFile() {
        ConfigProblem p = single(invalidWithInstance("guard.target.user", "guard", "guard.target.password-file", PASSWORD_FILE),
                "guard.target.password-file", "cannot read " + PASSWORD_FILE, "NoSuchFileException");
        assertThat(p.message()).doesNotContain("Exception:");
    }

    @Test
    void passwordFileReaderFailuresOfEveryKindAreOneProblem() {
        SettingsParser denied = new SettingsParser(path -> {
            throw new AccessDeniedException(path.toString(), null, "s3cret-in-exception-message");
        });
        Map<String, String> raw = props("guard.target.instance", INSTANCE, "guard.target.user", "guard",
                "guard.target.password-file", PASSWORD_FILE);
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> denied.parse(raw));
        single(e, "guard.target.password-file", "AccessDeniedException");
        assertThat(e.getMessage()).doesNotContain("s3cret-in-exception-message");

        SettingsParser broken = new SettingsParser(path -> {
            throw new IllegalStateException("boom");
        });
        e = catchThrowableOfType(InvalidConfigException.class, () -> broken.parse(raw));
        single(e, "guard.target.password-file", "IllegalStateException");
    }

    @Test
    void passwordFileContentIsNeverQuoted() {
        files.put(Path.of(PASSWORD_FILE), "content-of-the-file");
        InvalidConfigException e = invalidWithInstance("guard.target.user", "guard", "guard.target.password-file", PASSWORD_FILE,
                "guard.probe.interval", "garbage");
        assertThat(e.getMessage()).doesNotContain("content-of-the-file");
    }

    @Test
    void relativePasswordFile() {
        single(invalidWithInstance("guard.target.user", "guard", "guard.target.password-file", "secrets/pw"),
                "guard.target.password-file", "must be an absolute path");
    }

    @Test
    void requirePrimary() {
        assertThat(parseWithInstance("guard.target.user", "u", "guard.target.require-primary", "true").targets().get(0).role()).isEqualTo(Role.PRIMARY);
        for (String yes : List.of("TRUE", "yes", "on", "1", " true ")) {
            assertThat(parseWithInstance("guard.target.user", "u", "guard.target.require-primary", yes).targets().get(0).role())
                    .as(yes).isEqualTo(Role.PRIMARY);
        }
        for (String no : List.of("false", "no", "off", "0", "FALSE")) {
            assertThat(parseWithInstance("guard.target.require-primary", no).targets().get(0).role()).as(no).isEqualTo(Role.ANY);
        }
    }

    @Test
    void requirePrimaryWithoutUser() {
        single(invalidWithInstance("guard.target.require-primary", "true"), "guard.target.require-primary",
                "needs guard.target.user");
    }

    @Test
    void requirePrimaryNotABoolean() {
        single(invalidWithInstance("guard.target.require-primary", "maybe"), "guard.target.require-primary",
                "'maybe' is not true or false");
    }

    // ---- durations -------------------------------------------------------------------------

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("guard.probe.interval", "9ms", "10ms"),
                Arguments.of("guard.probe.timeout", "9ms", "10ms"),
                Arguments.of("guard.probe.startup-interval", "9ms", "10ms"),
                Arguments.of("guard.probe.slow-threshold", "0ms", "1ms"),
                Arguments.of("guard.circuit.open-wait", "9ms", "10ms"),
                Arguments.of("guard.circuit.recheck-interval", "9ms", "10ms"),
                Arguments.of("guard.signal.sse-keep-alive", "999ms", "1s"),
                Arguments.of("guard.signal.webhook.timeout", "9ms", "10ms"),
                Arguments.of("guard.signal.webhook.backoff", "0ms", "1ms"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("durations")
    void durationBelowItsMinimum(String property, String below, String minimum) {
        single(invalidWithInstance(property, below), property, "is " + below + ", below the minimum of " + minimum);
    }

    @ParameterizedTest(name = "{0} = -PT1S")
    @MethodSource("durations")
    void negativeDuration(String property, String below, String minimum) {
        single(invalidWithInstance(property, "-PT1S"), property, "below the minimum of " + minimum);
        single(invalidWithInstance(property, "-1s"), property, "'-1s' is not a duration");
    }

    @ParameterizedTest(name = "{0} = {2} (the minimum)")
    @MethodSource("durations")
    void durationAtItsMinimum(String property, String below, String minimum) {
        GuardSettings s = parseWithInstance(property, minimum);
        assertThat(s).isNotNull();
    }

    @ParameterizedTest(name = "{0} unparsable")
    @MethodSource("durations")
    void durationUnparsable(String property, String below, String minimum) {
        single(invalidWithInstance(property, "soon"), property, "'soon' is not a duration", "examples");
        single(invalidWithInstance(property, "5 minutes"), property, "is not a duration");
    }

    @Test
    void durationsAreParsed() {
        GuardSettings s = parseWithInstance("guard.probe.interval", "5s", "guard.probe.timeout", "PT0.5S",
                "guard.probe.startup-interval", "50ms", "guard.probe.slow-threshold", "1.5s",
                "guard.circuit.open-wait", "1m", "guard.circuit.recheck-interval", "1", "guard.signal.sse-keep-alive", "1h",
                "guard.signal.webhook.timeout", "3s", "guard.signal.webhook.backoff", "2ms");
        assertThat(s.probe().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.probe().timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.probe().startupInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.probe().slowThreshold()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.circuit().openWait()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.circuit().recheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.signal().sseKeepAlive()).isEqualTo(Duration.ofHours(1));
        assertThat(s.signal().webhook().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.signal().webhook().backoff()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void query() {
        assertThat(parseWithInstance("guard.probe.query", "SELECT now()").probe().query()).isEqualTo("SELECT now()");
        single(invalidWithInstance("guard.probe.query", "  "), "guard.probe.query", "must not be empty");
    }

    // ---- circuit numbers -------------------------------------------------------------------

    @Test
    void circuitNumbers() {
        GuardSettings s = parseWithInstance("guard.circuit.window-size", "10", "guard.circuit.minimum-probes", "10",
                "guard.circuit.failure-rate-threshold", "60%", "guard.circuit.slow-rate-threshold", "100",
                "guard.circuit.open-wait-spread", "0", "guard.circuit.half-open-probes", "3");
        assertThat(s.circuit().windowSize()).isEqualTo(10);
        assertThat(s.circuit().minimumProbes()).isEqualTo(10);
        assertThat(s.circuit().failureRateThreshold()).isEqualTo(60f);
        assertThat(s.circuit().slowRateThreshold()).isEqualTo(100f);
        assertThat(s.circuit().openWaitSpread()).isZero();
        assertThat(s.circuit().halfOpenProbes()).isEqualTo(3);
        assertThat(parseWithInstance("guard.circuit.open-wait-spread", "0.99").circuit().openWaitSpread()).isEqualTo(0.99);
        assertThat(parseWithInstance("guard.circuit.failure-rate-threshold", "0.5").circuit().failureRateThreshold()).isEqualTo(0.5f);
    }

    @Test
    void minimumProbesAboveWindowSize() {
        single(invalidWithInstance("guard.circuit.window-size", "4", "guard.circuit.minimum-probes", "5"),
                "guard.circuit.minimum-probes", "is 5, more than guard.circuit.window-size (4)");
        single(invalidWithInstance("guard.circuit.minimum-probes", "5"), "guard.circuit.minimum-probes", "more than");
    }

    @Test
    void minimumBelowWindowIsFine() {
        assertThat(parseWithInstance("guard.circuit.window-size", "10", "guard.circuit.minimum-probes", "3").circuit().minimumProbes())
                .isEqualTo(3);
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "guard.circuit.window-size | 0 | outside 1-1000",
            "guard.circuit.window-size | 1001 | outside 1-1000",
            "guard.circuit.window-size | abc | not a whole number",
            "guard.circuit.window-size | 4.5 | not a whole number",
            "guard.circuit.minimum-probes | 0 | outside 1-1000",
            "guard.circuit.minimum-probes | x | not a whole number",
            "guard.circuit.half-open-probes | 0 | outside 1-100",
            "guard.circuit.half-open-probes | 101 | outside 1-100",
            "guard.circuit.failure-rate-threshold | 0 | outside 0 (exclusive) to 100",
            "guard.circuit.failure-rate-threshold | 101 | outside 0 (exclusive) to 100",
            "guard.circuit.failure-rate-threshold | -5 | outside",
            "guard.circuit.failure-rate-threshold | abc | 'abc' is not a percentage",
            "guard.circuit.failure-rate-threshold | NaN | outside",
            "guard.circuit.slow-rate-threshold | 0 | outside 0 (exclusive) to 100",
            "guard.circuit.slow-rate-threshold | 101 | outside 0 (exclusive) to 100",
            "guard.circuit.slow-rate-threshold | 100.5% | outside",
            "guard.circuit.slow-rate-threshold | abc | is not a percentage",
            "guard.circuit.open-wait-spread | 1 | outside 0.0-0.99",
            "guard.circuit.open-wait-spread | 1.5 | outside 0.0-0.99",
            "guard.circuit.open-wait-spread | 0.995 | outside",
            "guard.circuit.open-wait-spread | -0.1 | outside",
            "guard.circuit.open-wait-spread | NaN | outside",
            "guard.circuit.open-wait-spread | half | not a number",
            "guard.signal.webhook.max-attempts | 0 | outside 1-100",
            "guard.signal.webhook.max-attempts | 101 | outside 1-100",
            "guard.signal.webhook.queue-size | 0 | outside 1-100000",
            "guard.signal.webhook.queue-size | 100001 | outside 1-100000",
    })
    void badNumbers(String property, String value, String fragment) {
        single(invalidWithInstance(property, value), property, fragment);
    }

    @Test
    void invalidWindowSizeDoesNotAlsoBlameMinimumProbes() {
        single(invalidWithInstance("guard.circuit.window-size", "0", "guard.circuit.minimum-probes", "4"),
                "guard.circuit.window-size");
    }

    // ---- signals ---------------------------------------------------------------------------

    @Test
    void stateFile() {
        assertThat(parseWithInstance("guard.signal.state-file", "/shared/guard/state.json").signal().stateFile())
                .contains(Path.of("/shared/guard/state.json"));
        single(invalidWithInstance("guard.signal.state-file", "state.json"), "guard.signal.state-file", "absolute path");
        single(invalidWithInstance("guard.signal.state-file", "/"), "guard.signal.state-file", "must name a file");
    }

    @Test
    void webhookUrls() {
        GuardSettings s = parseWithInstance("guard.signal.webhook.urls",
                "https://hooks.example.com/guard , http://10.0.0.9:8080/events,,",
                "guard.signal.webhook.secret", "hmac-key-value");
        assertThat(s.signal().webhook().urls()).containsExactly(
                URI.create("https://hooks.example.com/guard"), URI.create("http://10.0.0.9:8080/events"));
        assertThat(s.signal().webhook().secret()).hasValueSatisfying(secret -> {
            assertThat(secret.reveal()).isEqualTo("hmac-key-value");
            assertThat(secret.toString()).doesNotContain("hmac-key-value");
        });
        assertThat(s.signal().toString()).doesNotContain("hmac-key-value");
        assertThat(parseWithInstance("guard.signal.webhook.urls", "HTTPS://hooks.example.com/x").signal().webhook().urls())
                .hasSize(1);
    }

    @ParameterizedTest(name = "url ''{0}''")
    @ValueSource(strings = {"ftp://hooks.example.com/x", "hooks.example.com/x", "mailto:ops@example.com", "https:///x",
            "file:///etc/passwd", "https:hooks.example.com", "/relative/path"})
    void webhookUrlsThatAreNotHttpWithAHost(String url) {
        single(invalidWithInstance("guard.signal.webhook.urls", url), "guard.signal.webhook.urls",
                "is not an http(s) URL with a host");
    }

    @ParameterizedTest(name = "url ''{0}''")
    @ValueSource(strings = {"http://", "https://exa mple.com/x", "https://[::1/x", "http://host/%zz"})
    void webhookUrlsThatDoNotParse(String url) {
        single(invalidWithInstance("guard.signal.webhook.urls", url), "guard.signal.webhook.urls");
    }

    @Test
    void oneBadUrlAmongGoodOnes() {
        single(invalidWithInstance("guard.signal.webhook.urls", "https://a.example.com/x,ftp://b.example.com/y"),
                "guard.signal.webhook.urls", "ftp://b.example.com/y");
    }

    static Stream<Arguments> urlsWithCredentials() {
        return Stream.of(
                Arguments.of("https://alice:Tr0ub4dor@hooks.example.com/x", List.of("alice", "Tr0ub4dor")),
                Arguments.of("https://t0kenValue@hooks.example.com/x", List.of("t0kenValue")),
                Arguments.of("http://alice:Tr0ub4dor@10.0.0.9:8080/x", List.of("alice", "Tr0ub4dor")),
                Arguments.of("https://alice:Tr0%2Fub4dor@hooks.example.com/x", List.of("Tr0%2Fub4dor", "alice")),
                Arguments.of("ftp://alice:Tr0ub4dor@hooks.example.com/x", List.of("alice", "Tr0ub4dor")),
                Arguments.of("https://alice:Tr0ub4dor@/x", List.of("alice", "Tr0ub4dor")),
                Arguments.of("https://alice:Tr0 ub4dor@hooks.example.com/x", List.of("alice", "Tr0 ub4dor")),
                // raw (unencoded) special characters typed into the password
                Arguments.of("https://alice:Tr0/ub4dor@hooks.example.com/x", List.of("alice", "Tr0/ub4dor", "ub4dor")),
                Arguments.of("https://alice:Tr0@ub4dor@hooks.example.com/x", List.of("alice", "Tr0@ub4dor", "ub4dor")),
                Arguments.of("https://alice:Tr0#ub4dor@hooks.example.com/x", List.of("alice", "Tr0#ub4dor", "ub4dor")),
                Arguments.of("https://alice:Tr0?ub4dor@hooks.example.com/x", List.of("alice", "Tr0?ub4dor", "ub4dor")),
                Arguments.of("https://alice:AbC/dEf+gh==@hooks.example.com/x", List.of("alice", "AbC/dEf+gh==", "dEf+gh==")),
                // scheme without "//": opaque URI, no host
                Arguments.of("https:alice:Tr0ub4dor@hooks.example.com/x", List.of("alice", "Tr0ub4dor")));
    }

    @ParameterizedTest(name = "url ''{0}''")
    @MethodSource("urlsWithCredentials")
    void webhookUrlWithCredentialsIsRejectedWithoutQuotingThem(String url, List<String> secrets) {
        InvalidConfigException e = invalidWithInstance("guard.signal.webhook.urls", url);
        single(e, "guard.signal.webhook.urls");
        for (String secret : secrets) {
            assertThat(e.getMessage()).doesNotContain(secret);
            assertThat(e.problems().toString()).doesNotContain(secret);
        }
    }

    @Test
    void webhookCredentialsMessageSaysWhatToDo() {
        InvalidConfigException e = invalidWithInstance("guard.signal.webhook.urls", "https://alice:Tr0ub4dor@hooks.example.com/x");
        single(e, "guard.signal.webhook.urls", "carries credentials in the URL", "guard.signal.webhook.secret",
                "hooks.example.com");
    }

    @Test
    void webhookSecretWithoutUrls() {
        InvalidConfigException e = invalidWithInstance("guard.signal.webhook.secret", "hmac-key-value");
        single(e, "guard.signal.webhook.secret", "has no effect without guard.signal.webhook.urls");
        assertThat(e.getMessage()).doesNotContain("hmac-key-value");
    }

    @Test
    void webhookSecretWithOnlyBadUrlsBlamesTheUrls() {
        single(invalidWithInstance("guard.signal.webhook.urls", "ftp://x.example.com/", "guard.signal.webhook.secret", "k"),
                "guard.signal.webhook.urls");
    }

    // ---- admin -----------------------------------------------------------------------------

    @Test
    void adminEnabledWithToken() {
        GuardSettings s = parseWithInstance("guard.admin.enabled", "true", "guard.admin.token", "0123456789abcdef");
        assertThat(s.admin().enabled()).isTrue();
        assertThat(s.admin().token()).hasValueSatisfying(t -> assertThat(t.reveal()).isEqualTo("0123456789abcdef"));
        assertThat(s.admin().toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void adminEnabledWithoutToken() {
        single(invalidWithInstance("guard.admin.enabled", "true"), "guard.admin.token",
                "is required when guard.admin.enabled=true");
        single(invalidWithInstance("guard.admin.enabled", "true", "guard.admin.token", ""), "guard.admin.token", "is required");
    }

    @Test
    void adminEnabledWithShortToken() {
        InvalidConfigException e = invalidWithInstance("guard.admin.enabled", "yes", "guard.admin.token", "0123456789abcde");
        single(e, "guard.admin.token", "at least 16 characters");
        assertThat(e.getMessage()).doesNotContain("0123456789abcde");
    }

    @Test
    void adminDisabledAcceptsAnyToken() {
        GuardSettings s = parseWithInstance("guard.admin.token", "short");
        assertThat(s.admin().enabled()).isFalse();
    }

    @Test
    void adminEnabledNotABoolean() {
        single(invalidWithInstance("guard.admin.enabled", "enabled"), "guard.admin.enabled", "'enabled' is not true or false");
    }

    // ---- all at once, secrets --------------------------------------------------------------

    @Test
    void severalMistakesAreAllReportedAtOnce() {
        InvalidConfigException e = invalid(
                "guard.target.host", "db host",
                "guard.target.database", "",
                "guard.probe.interval", "often",
                "guard.probe.timeout", "1ms",
                "guard.circuit.window-size", "0",
                "guard.circuit.failure-rate-threshold", "150",
                "guard.signal.webhook.urls", "ftp://x.example.com/",
                "guard.admin.enabled", "true");
        assertThat(e.problems()).extracting(ConfigProblem::property).containsExactly(
                "guard.target.host", "guard.target.database", "guard.probe.interval", "guard.probe.timeout",
                "guard.circuit.window-size", "guard.circuit.failure-rate-threshold", "guard.signal.webhook.urls",
                "guard.admin.token");
        assertThat(e.getMessage()).startsWith("invalid configuration: guard.target.host: ");
        assertThat(e.getMessage().split("; ")).hasSize(8);
    }

    @Test
    void oneProblemPerProperty() {
        InvalidConfigException e = invalid("guard.target.host", "10.0.0.1", "guard.target.port", "abc");
        single(e, "guard.target.port", "'abc' is not a whole number");
    }

    @Test
    void secretsNeverAppearInMessages() {
        String password = "P@ssw0rd-8f3c9e";
        String webhookSecret = "whsec-77d1a0c4";
        String adminToken = "adm-token-5b2e";
        // Every secret is set, and many other things are wrong, some of them next to the secrets.
        InvalidConfigException e = invalid(
                "guard.target.instance", "NOT:VALID",
                "guard.target.password", password,
                "guard.target.password-file", "relative/" + "pw",
                "guard.target.require-primary", "true",
                "guard.probe.slow-threshold", "fast",
                "guard.signal.webhook.urls", "https://alice:" + password + "@hooks.example.com/x",
                "guard.signal.webhook.secret", webhookSecret,
                "guard.admin.enabled", "true",
                "guard.admin.token", adminToken);
        assertThat(e.problems()).hasSizeGreaterThanOrEqualTo(5);
        for (String secret : List.of(password, webhookSecret, adminToken)) {
            assertThat(e.getMessage()).doesNotContain(secret);
            assertThat(e.toString()).doesNotContain(secret);
            assertThat(e.problems().toString()).doesNotContain(secret);
        }

        InvalidConfigException onlySecrets = invalid(
                "guard.target.host", "10.0.0.1",
                "guard.target.password", password,
                "guard.signal.webhook.secret", webhookSecret,
                "guard.admin.enabled", "1",
                "guard.admin.token", "tiny");
        assertThat(onlySecrets.problems()).extracting(ConfigProblem::property).containsExactly(
                "guard.target.password", "guard.signal.webhook.secret", "guard.admin.token");
        for (String secret : List.of(password, webhookSecret, "tiny")) {
            assertThat(onlySecrets.getMessage()).doesNotContain(secret);
        }
    }

    @Test
    void exceptionAndProblemShape() {
        InvalidConfigException e = new InvalidConfigException(List.of(new ConfigProblem("guard.a", "bad"),
                new ConfigProblem("guard.b", "worse")));
        assertThat(e.getMessage()).isEqualTo("invalid configuration: guard.a: bad; guard.b: worse");
        assertThat(e.getStackTrace()).as("no stack trace for a config error").isEmpty();
        assertThat(new ConfigProblem("guard.a", "bad")).hasToString("guard.a: bad");
        assertThat(e.problems()).hasSize(2);
    }

    @Test
    void unknownKeysInTheRawMapAreIgnoredByParse() {
        GuardSettings s = parseWithInstance("guard.probe.intervall", "garbage", "quarkus.http.port", "1");
        assertThat(s.probe().interval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theRawMapIsNotModified() {
        Map<String, String> raw = props("guard.target.instance", INSTANCE);
        Map<String, String> copy = Map.copyOf(raw);
        parser.parse(raw);
        assertThat(raw).isEqualTo(copy);
    }

    // ---- unknown properties, env names ----------------------------------------------------

    @Test
    void unknownPropertiesFindsTyposInBothSpellings() {
        List<String> unknown = SettingsParser.unknownProperties(List.of(
                "guard.probe.interval", "guard.probe.intervall", "GUARD_PROBE_INTERVAL", "GUARD_PROBE_INTERVALL",
                "guard.target.instance", "guard.target.instanse", "GUARD_TARGET_SOCKET_DIR", "GUARD_TARGET_SOCKETDIR",
                "guard.signal.webhook.urls", "guard.signal.webhooks.urls", "GUARD_ADMIN_TOKEN",
                "quarkus.http.port", "QUARKUS_HTTP_PORT", "PATH", "HOME", "guardian.x", "GUARDIAN", "%dev.guard.probe.interval"));
        assertThat(unknown).containsExactly("guard.probe.intervall", "GUARD_PROBE_INTERVALL", "guard.target.instanse",
                "GUARD_TARGET_SOCKETDIR", "guard.signal.webhooks.urls");
    }

    @Test
    void unknownPropertiesAcceptsEveryKnownPropertyInBothSpellings() {
        List<String> names = new java.util.ArrayList<>();
        for (String key : Catalogue.DEFAULTS.keySet()) {
            names.add(key);
            names.add(Catalogue.envName(key));
        }
        assertThat(SettingsParser.unknownProperties(names)).isEmpty();
        assertThat(SettingsParser.unknownProperties(List.of())).isEmpty();
    }

    @Test
    void envName() {
        assertThat(Catalogue.envName("guard.probe.slow-threshold")).isEqualTo("GUARD_PROBE_SLOW_THRESHOLD");
        assertThat(Catalogue.envName("guard.signal.webhook.max-attempts")).isEqualTo("GUARD_SIGNAL_WEBHOOK_MAX_ATTEMPTS");
        assertThat(Catalogue.envName("guard.target.instance")).isEqualTo("GUARD_TARGET_INSTANCE");
        assertThat(Catalogue.envName("GUARD_ALREADY")).isEqualTo("GUARD_ALREADY");
        assertThat(Catalogue.envName("a.b-c/d")).isEqualTo("A_B_C_D");
    }
}
