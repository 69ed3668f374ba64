package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.PasswordSource;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.fixture.PgFixture;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The steady state on a real primary and its real streaming replica: a probe is one round trip on the
 * kept session (no connection accepted by the server, counted in its log), which reads the connection
 * slots in use and the usable limit, and a replica's lag; a walk of a new connection every
 * new-connection interval, and at once after a probe that found the slots exhausted.
 */
class KeptSessionTest {

    /** Generous: a cold JVM on a loaded 2-core machine can take most of a second for its first login. */
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_CONNECTIONS = 20;
    private static final int SUPERUSER_RESERVED = 2;
    private static PgFixture primary;
    private static PgFixture replica;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        primary = PgFixture.createConfigured("--replication", "--set", "max_connections=" + MAX_CONNECTIONS,
                "--set", "superuser_reserved_connections=" + SUPERUSER_RESERVED).start();
        replica = PgFixture.createReplicaOf(primary);
        vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        try (StageWalker warmUp = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(30))) {
            for (int i = 0; i < 5; i++) {
                warmUp.probe(); // the client's classes, so that no test pays the JVM's first use
            }
        }
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close();
        }
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private static StageWalker walker(PgFixture db, Role role, Optional<Duration> maxLag, Duration newConnectionInterval) {
        return walker(db, role, maxLag, newConnectionInterval, Duration.ofMinutes(10));
    }

    private static StageWalker walker(PgFixture db, Role role, Optional<Duration> maxLag, Duration newConnectionInterval,
            Duration sessionMaxAge) {
        TargetSettings target = new TargetSettings("t", new Endpoint.UnixSocket(db.socketFile(), PgFixture.PORT),
                primary.database(), Optional.of(primary.user()), Optional.of(PasswordSource.literal(primary.password())),
                role, true, TlsSettings.NONE, maxLag);
        ProbeSettings settings = new ProbeSettings(Duration.ofMillis(500), TIMEOUT, TIMEOUT, newConnectionInterval,
                Duration.ofMillis(100), Duration.ofSeconds(2), "SELECT 1", sessionMaxAge, 10f);
        return new StageWalker(target, settings, VertxQueryStage.of(target, settings, () -> vertx, System::nanoTime),
                Clock.systemUTC(), System::nanoTime);
    }

    private static ProbeResult ok(ProbeResult r) {
        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.OK);
        assertThat(r.reading()).as("a probe that reached the query stage read the server: %s", r).isPresent();
        return r;
    }

    @Test
    void whileTheSessionIsHealthyAProbeIsOneRoundTripOnItAndTheServerForksNothing() {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(30))) {
            assertThat(ok(p.probe()).latencies()).as("the first probe walks").containsKeys(Stage.SOCKET, Stage.HANDSHAKE);
            long connections = primary.connectionsReceived();
            long logins = primary.loginsOf(primary.user());
            for (int i = 0; i < 20; i++) {
                ProbeResult r = ok(p.probe());
                assertThat(r.latencies()).as("on the kept session").containsOnlyKeys(Stage.QUERY);
                assertThat(r.stage()).isEqualTo(Stage.QUERY);
            }
            assertThat(primary.connectionsReceived() - connections).as("connections the server accepted").isZero();
            assertThat(primary.loginsOf(primary.user()) - logins).as("logins").isZero();
        }
    }

    @Test
    void aNewConnectionIsWalkedEveryNewConnectionInterval() throws InterruptedException {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(2))) {
            assertThat(ok(p.probe()).walkedNewConnection()).isTrue();
            assertThat(ok(p.probe()).walkedNewConnection()).as("within the interval").isFalse();
            long connections = primary.connectionsReceived();
            Thread.sleep(2100);
            assertThat(ok(p.probe()).walkedNewConnection()).as("once the interval has passed").isTrue();
            assertThat(ok(p.probe()).walkedNewConnection()).isFalse();
            assertThat(primary.connectionsReceived() - connections).as("the walk's one connection").isEqualTo(1);
        }
    }

    @Test
    void aSessionPastItsMaximumAgeIsRenewedAtTheNextWalkAndItsLoginIsThatWalksOneConnection()
            throws InterruptedException {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(1))) {
            ok(p.probe());
            Thread.sleep(2100);
            long connections = primary.connectionsReceived();
            long logins = primary.loginsOf(primary.user());
            ProbeResult renewal = ok(p.probe());
            assertThat(renewal.latencies()).as("the socket, then the new session").containsOnlyKeys(Stage.SOCKET, Stage.QUERY);
            assertThat(renewal.walkedNewConnection()).isTrue();
            assertThat(primary.loginsOf(primary.user()) - logins).as("logins").isEqualTo(1);
            assertThat(primary.connectionsReceived() - connections).as("the login's connection, no handshake besides")
                    .isEqualTo(1);
            assertThat(ok(p.probe()).walkedNewConnection()).as("the renewal was the walk").isFalse();
        }
    }

    @Test
    void aStoppedPostmasterIsSeenByTheNextWalkWhileTheKeptSessionStillAnswers() throws InterruptedException {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(2))) {
            ok(p.probe());
            primary.pause(); // SIGSTOP of the postmaster only: its backends, the kept session's too, run on
            try {
                ProbeResult onSession = p.probe();
                assertThat(onSession.walkedNewConnection()).isFalse();
                assertThat(onSession.outcome()).as("what a kept session cannot see: %s", onSession).isEqualTo(Outcome.OK);
                Thread.sleep(2100);
                ProbeResult walk = p.probe();
                assertThat(walk.reason()).as("%s", walk).contains(Reason.HANDSHAKE_TIMEOUT);
                assertThat(walk.stage()).isEqualTo(Stage.HANDSHAKE);
            } finally {
                primary.resume();
            }
        }
    }

    @Test
    void theReadingCountsTheConnectionsInUseAgainstTheUsableLimit() {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(30))) {
            ServerReading first = ok(p.probe()).reading().get();
            assertThat(first.connectionsLimit()).as("max_connections minus superuser_reserved_connections")
                    .isEqualTo(MAX_CONNECTIONS - SUPERUSER_RESERVED);
            // the kept session alone, once sessions of earlier tests have exited; the replica's walsender is
            // not a client backend
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(used(p)).isEqualTo(1));
            try (PgFixture.Exhaustion held = primary.holdConnections(5)) {
                ServerReading during = ok(p.probe()).reading().get();
                assertThat(during.connectionsUsed()).isEqualTo(6);
                assertThat(during.freeConnections()).isEqualTo(MAX_CONNECTIONS - SUPERUSER_RESERVED - 6);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(used(p)).as("released").isEqualTo(1));
        }
    }

    private static int used(StageWalker p) {
        return ok(p.probe()).reading().get().connectionsUsed();
    }

    @Test
    void slotsFoundExhaustedMakeTheNextProbeWalkAndMeetTooManyConnections() {
        try (StageWalker p = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(30))) {
            ok(p.probe());
            try (PgFixture.Exhaustion all = primary.exhaustConnections()) {
                ProbeResult onSession = ok(p.probe());
                assertThat(onSession.walkedNewConnection()).isFalse();
                assertThat(onSession.reading().get().connectionsExhausted()).as("%s", onSession.reading()).isTrue();
                ProbeResult walk = p.probe();
                assertThat(walk.walkedNewConnection()).isTrue();
                assertThat(walk.reason()).as("%s", walk).contains(Reason.TOO_MANY_CONNECTIONS);
                assertThat(walk.sqlState()).contains("53300");
            }
        }
    }

    @Test
    void aReplicaWhoseReplayIsPausedLagsAndFailsOverItsBound() throws InterruptedException {
        primary.psql("CREATE TABLE IF NOT EXISTS lag_probe (at timestamptz)");
        primary.psql("INSERT INTO lag_probe VALUES (now())");
        // the replica has replayed a transaction before its replay is paused: a lag is the age of the last one
        await().atMost(Duration.ofSeconds(20)).until(() -> "t".equals(replica.psql("SELECT to_regclass('lag_probe') IS NOT NULL").trim()));
        try (StageWalker onPrimary = walker(primary, Role.ANY, Optional.empty(), Duration.ofSeconds(30));
                StageWalker p = walker(replica, Role.REPLICA, Optional.of(Duration.ofSeconds(1)), Duration.ofSeconds(30))) {
            ServerReading primaryReading = ok(onPrimary.probe()).reading().get();
            assertThat(primaryReading.inRecovery()).isFalse();
            assertThat(primaryReading.replicationLag()).as("a primary has no lag").isEmpty();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ok(p.probe()).reading().get()
                    .replicationLag()).as("caught up").contains(Duration.ZERO));
            Thread.sleep(1500);
            assertThat(ok(p.probe()).reading().get().replicationLag()).as("idle, with nothing left to replay")
                    .contains(Duration.ZERO);

            replica.psql("SELECT pg_wal_replay_pause()");
            try {
                for (int i = 0; i < 8; i++) {
                    primary.psql("INSERT INTO lag_probe VALUES (now())");
                    Thread.sleep(200);
                }
                ProbeResult lagging = p.probe();
                assertThat(lagging.reason()).as("%s", lagging).contains(Reason.REPLICA_LAGGING);
                assertThat(lagging.stage()).isEqualTo(Stage.QUERY);
                assertThat(lagging.reading().get().inRecovery()).isTrue();
                assertThat(lagging.reading().get().replicationLag().get()).isGreaterThan(Duration.ofSeconds(1));
            } finally {
                replica.psql("SELECT pg_wal_replay_resume()");
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ok(p.probe()).reading().get()
                    .replicationLag()).as("replayed again").contains(Duration.ZERO));
        }
    }

    /**
     * A replica that has replayed no transaction since it started has WAL waiting but no age to give it:
     * its lag is unknown, not 0 (PostgreSQL's {@code greatest(0, NULL)} once made it 0, and a lag bound
     * never fired), and the bound does not judge it.
     */
    @Test
    void aReplicaThatHasReplayedNoTransactionYetHasAnUnknownLagNotZero() {
        try (PgFixture quiet = PgFixture.createConfigured("--replication", "--set", "autovacuum=off").start();
                PgFixture fresh = PgFixture.createReplicaOf(quiet)) {
            fresh.psql("SELECT pg_wal_replay_pause()");
            assertThat(fresh.psql("SELECT pg_last_xact_replay_timestamp() IS NULL").trim())
                    .as("no transaction replayed since the replica started").isEqualTo("t");
            quiet.psql("CREATE TABLE after_the_pause (x int)");
            await().atMost(Duration.ofSeconds(20)).until(() -> "t".equals(
                    fresh.psql("SELECT pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()").trim()));
            try (StageWalker p = walker(fresh, Role.REPLICA, Optional.of(Duration.ofSeconds(1)), Duration.ofSeconds(30))) {
                ProbeResult r = ok(p.probe());
                assertThat(r.reading().get().inRecovery()).isTrue();
                assertThat(r.reading().get().replicationLag()).as("WAL waits, but no replayed transaction gives it an age")
                        .isEmpty();
            } finally {
                fresh.psql("SELECT pg_wal_replay_resume()");
            }
        }
    }
}
