package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.PasswordSource;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsMode;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.fixture.PgFixture;
import dev.cloudsqlguard.fixture.TcpBlackhole;
import dev.cloudsqlguard.fixture.WireStub;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage and every reason code, against a real PostgreSQL (and, where a real server cannot
 * be pushed into the state on demand, a scripted wire peer): the probe walk's classification is
 * what operators rely on, so each one is produced for real here.
 */
class StageWalkerTest {

    /** Generous: a cold JVM on a loaded 2-core machine can take most of a second for its first login. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static PgFixture db;
    private static Vertx vertx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        db = PgFixture.create();
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        assertThat(vertx.isNativeTransportEnabled()).as("epoll is needed for Unix sockets").isTrue();
        once(guard()); // warm up the client's classes so no test pays the JVM's first-use cost
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static ProbeSettings settings(String query) {
        return new ProbeSettings(Duration.ofSeconds(2), TIMEOUT, Duration.ofMillis(300), Duration.ofSeconds(30),
                Duration.ofMillis(100), Duration.ofMillis(500), query, Duration.ofMinutes(10), 10f);
    }

    private static TargetSettings target(Endpoint endpoint, String user, String password, String database,
            boolean requirePrimary) {
        return new TargetSettings("t", endpoint, database, Optional.ofNullable(user),
                Optional.ofNullable(password).map(PasswordSource::literal), requirePrimary ? Role.PRIMARY : Role.ANY, true,
                endpoint instanceof Endpoint.Tcp ? new TlsSettings(TlsMode.PREFER, Optional.empty(), Optional.empty()) : TlsSettings.NONE,
                Optional.empty());
    }

    private static Endpoint fixtureSocket() {
        return new Endpoint.UnixSocket(db.socketFile(), PgFixture.PORT);
    }

    private static StageWalker prober(TargetSettings target, String query) {
        ProbeSettings settings = settings(query);
        return new StageWalker(target, settings, VertxQueryStage.of(target, settings, () -> vertx, System::nanoTime),
                Clock.systemUTC(), System::nanoTime);
    }

    private static StageWalker guard() {
        return prober(target(fixtureSocket(), db.user(), db.password(), db.database(), false), "SELECT 1");
    }

    private static ProbeResult once(StageWalker p) {
        try (p) {
            return p.probe();
        }
    }

    private static void assertFailed(ProbeResult r, Stage stage, Reason reason) {
        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.FAILED);
        assertThat(r.reason()).as("%s", r).contains(reason);
        assertThat(r.stage()).as("%s", r).isEqualTo(stage);
    }

    @Test
    void aHealthyDatabasePassesEveryStage() {
        ProbeResult r = once(guard());
        assertThat(r.outcome()).as("%s", r).isIn(Outcome.OK, Outcome.SLOW);
        assertThat(r.stage()).isEqualTo(Stage.QUERY);
        assertThat(r.latencies()).containsOnlyKeys(Stage.SOCKET, Stage.CONNECT, Stage.HANDSHAKE, Stage.QUERY);
        assertThat(r.reasonCode()).isEqualTo("none");
    }

    @Test
    void withoutAUserTheProbeStopsAfterTheHandshake() {
        ProbeResult r = once(prober(target(fixtureSocket(), null, null, "postgres", false), "SELECT 1"));
        assertThat(r.succeeded()).as("%s", r).isTrue();
        assertThat(r.stage()).isEqualTo(Stage.HANDSHAKE);
        assertThat(r.latencies()).doesNotContainKey(Stage.QUERY);
    }

    @Test
    void steadyStateReusesOneSession() {
        long before = db.loginsOf(db.user());
        try (StageWalker p = guard()) {
            for (int i = 0; i < 5; i++) {
                assertThat(p.probe().succeeded()).isTrue();
            }
            assertThat(db.loginsOf(db.user()) - before).as("sessions opened").isEqualTo(1);
        }
    }

    @Test
    void aMissingSocketIsSocketMissing() {
        ProbeResult r = once(prober(target(new Endpoint.UnixSocket(tmp.resolve("p:r:x/.s.PGSQL.5432"), 5432), null,
                null, "postgres", false), "SELECT 1"));
        assertFailed(r, Stage.SOCKET, Reason.SOCKET_MISSING);
        assertThat(r.detail()).contains("does not exist");
    }

    @Test
    void aRegularFileIsNotASocket() throws Exception {
        Path file = Files.createFile(tmp.resolve(".s.PGSQL.5432"));
        assertFailed(once(prober(target(new Endpoint.UnixSocket(file, 5432), null, null, "postgres", false), "SELECT 1")),
                Stage.SOCKET, Reason.NOT_A_SOCKET);
    }

    @Test
    void anUnresolvableHostIsDnsFailed() {
        assertFailed(once(prober(target(new Endpoint.Tcp("no-such-host.invalid", 5432), null, null, "postgres", false),
                "SELECT 1")), Stage.SOCKET, Reason.DNS_FAILED);
    }

    @Test
    void aDroppedSynIsConnectTimeout() {
        try (TcpBlackhole hole = TcpBlackhole.open()) {
            assertFailed(once(prober(target(new Endpoint.Tcp(hole.address().getAddress().getHostAddress(), hole.port()), null, null, "postgres", false),
                    "SELECT 1")), Stage.CONNECT, Reason.CONNECT_TIMEOUT);
        }
    }

    @Test
    void aClosedTcpPortIsConnectRefused() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertFailed(once(prober(target(new Endpoint.Tcp("127.0.0.1", port), null, null, "postgres", false), "SELECT 1")),
                Stage.CONNECT, Reason.CONNECT_REFUSED);
    }

    @Test
    void aPeerThatHangsUpIsIoError() {
        Path socket = tmp.resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.closeAfterStartup())) {
            assertFailed(once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false),
                    "SELECT 1")), Stage.HANDSHAKE, Reason.IO_ERROR);
        }
    }

    @Test
    void aPeerThatNeverAnswersIsHandshakeTimeout() {
        Path socket = tmp.resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.hang())) {
            assertFailed(once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false),
                    "SELECT 1")), Stage.HANDSHAKE, Reason.HANDSHAKE_TIMEOUT);
        }
    }

    @Test
    void somethingElseThanPostgresIsProtocolError() {
        Path socket = tmp.resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.garbage())) {
            assertFailed(once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false),
                    "SELECT 1")), Stage.HANDSHAKE, Reason.PROTOCOL_ERROR);
        }
    }

    @Test
    void startingAndShuttingDownServersAreReportedWithTheirSqlState() {
        Path socket = tmp.resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.error("57P03", "the database system is starting up"))) {
            ProbeResult r = once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false), "SELECT 1"));
            assertFailed(r, Stage.HANDSHAKE, Reason.SERVER_STARTING);
            assertThat(r.sqlState()).contains("57P03");
            assertThat(r.detail()).isEqualTo("the database system is starting up");
        }
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.error("57P01", "terminating connection due to administrator command"))) {
            assertFailed(once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false),
                    "SELECT 1")), Stage.HANDSHAKE, Reason.SERVER_SHUTTING_DOWN);
        }
    }

    @Test
    void aServerAskingForAPasswordPassesTheHandshakeWithoutCredentials() {
        Path socket = tmp.resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.authRequest(10))) {
            ProbeResult r = once(prober(target(new Endpoint.UnixSocket(socket, 5432), null, null, "postgres", false), "SELECT 1"));
            assertThat(r.succeeded()).as("%s", r).isTrue();
        }
    }

    @Test
    void aWrongPasswordIsAuthFailed() {
        ProbeResult r = once(prober(target(fixtureSocket(), db.user(), "wrong-password", db.database(), false), "SELECT 1"));
        assertFailed(r, Stage.QUERY, Reason.AUTH_FAILED);
        assertThat(r.sqlState()).contains("28P01");
        assertThat(r.detail()).doesNotContain("wrong-password");
    }

    @Test
    void aMissingDatabaseIsDatabaseMissing() {
        ProbeResult r = once(prober(target(fixtureSocket(), db.user(), db.password(), "no_such_db", false), "SELECT 1"));
        assertFailed(r, Stage.QUERY, Reason.DATABASE_MISSING);
        assertThat(r.sqlState()).contains("3D000");
    }

    @Test
    void aSlowQueryIsQueryTimeoutAndAFailingOneQueryFailed() {
        assertFailed(once(prober(target(fixtureSocket(), db.user(), db.password(), db.database(), false),
                "SELECT pg_sleep(5)")), Stage.QUERY, Reason.QUERY_TIMEOUT);
        ProbeResult failed = once(prober(target(fixtureSocket(), db.user(), db.password(), db.database(), false),
                "SELECT 1/0"));
        assertFailed(failed, Stage.QUERY, Reason.QUERY_FAILED);
        assertThat(failed.sqlState()).contains("22012");
    }

    @Test
    void aQueryOverTheSlowThresholdIsSlow() {
        ProbeResult r = once(prober(target(fixtureSocket(), db.user(), db.password(), db.database(), false),
                "SELECT pg_sleep(0.6)"));
        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.SLOW);
        assertThat(r.reason()).isEmpty();
    }

    @Test
    void aReadOnlyServerIsReadOnlyWhenAPrimaryIsRequired() {
        db.setDefaultReadOnly(true);
        try {
            ProbeResult r = once(prober(target(fixtureSocket(), db.user(), db.password(), db.database(), true), "SELECT 1"));
            assertFailed(r, Stage.QUERY, Reason.READ_ONLY);
            assertThat(once(guard()).succeeded()).as("without require-primary a replica is fine").isTrue();
        } finally {
            db.setDefaultReadOnly(false);
        }
    }

    @Test
    void exhaustedConnectionsAreTooManyConnectionsAtTheHandshake() throws Exception {
        try (PgFixture.Exhaustion held = db.exhaustConnections()) {
            ProbeResult r = once(guard());
            assertFailed(r, Stage.HANDSHAKE, Reason.TOO_MANY_CONNECTIONS);
            assertThat(r.sqlState()).contains("53300");
        }
    }

    @Test
    void faultsOfTheRealServerAndRecovery() {
        long before = db.loginsOf(db.user());
        try (StageWalker p = guard()) {
            assertThat(p.probe().succeeded()).isTrue();

            db.freeze(); // SIGSTOP of every server process: the kernel still accepts, nobody answers
            try {
                assertFailed(p.probe(), Stage.QUERY, Reason.QUERY_TIMEOUT); // the kept session's round trip
                assertFailed(p.probe(), Stage.HANDSHAKE, Reason.HANDSHAKE_TIMEOUT); // the walk that follows says where
            } finally {
                db.resume();
            }
            assertThat(p.probe().succeeded()).isTrue(); // a new session: the timed-out one's state is unknown

            db.kill9(); // SIGKILL: the socket file stays, nothing listens
            assertFailed(p.probe(), Stage.CONNECT, Reason.CONNECT_REFUSED);
            db.start();
            ProbeResult back = p.probe();
            assertThat(back.succeeded()).as("reconnects its session after a restart: %s", back).isTrue();
            assertThat(db.loginsOf(db.user()) - before).as("sessions opened").isEqualTo(3);

            db.stop(); // a clean shutdown removes the socket
            assertFailed(p.probe(), Stage.SOCKET, Reason.SOCKET_MISSING);
            db.start();
            assertThat(p.probe().succeeded()).isTrue();
        }
    }
}
