package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The guard's main job, black-box against the packaged application and a real PostgreSQL:
 * the startup gate holds while the socket is missing and opens when the database answers; then
 * each real fault is reported with its stage and reason, readiness follows the circuit, and
 * liveness never fails because of the database.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true,
        initArgs = {@ResourceArg(name = "start", value = "false"),
                // a changed password shows within session-max-age plus one new-connection interval
                @ResourceArg(name = "guard.probe.session-max-age", value = "3s"),
                @ResourceArg(name = "guard.probe.new-connection-interval", value = "2s")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GateIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static PgFixture db() {
        return FixtureResource.fixture();
    }

    @Test
    @Order(1)
    void gateHoldsWhileTheSocketIsMissing() {
        await().atMost(PATIENCE).until(() -> "socket_missing".equals(Guard.reason()));
        assertThat(Guard.code("/q/health/started")).isEqualTo(503);
        assertThat(Guard.code("/q/health/ready")).isEqualTo(503);
        assertThat(Guard.code("/q/health/live")).isEqualTo(200);
        JsonPath status = Guard.status();
        assertThat(status.getBoolean("started")).isFalse();
        assertThat(status.getString("targets[0].last_probe.stage")).isEqualTo("socket");
        assertThat(status.getString("targets[0].name")).isEqualTo(db().instance());
        given().when().get("/q/health/started").then().statusCode(503)
                .body("checks[0].data.reason", equalTo("socket_missing"))
                .body("checks[0].data.stage", equalTo("socket"));
    }

    @Test
    @Order(2)
    void gateOpensOnceTheDatabaseAnswers() {
        db().start();
        Instant accepting = db().acceptingAt();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> Guard.code("/q/health/started") == 200);
        Instant open = Instant.now();
        System.out.printf("[measure] database accepting -> /q/health/started 200: %d ms%n",
                Duration.between(accepting, open).toMillis());
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        JsonPath status = Guard.status();
        assertThat(status.getBoolean("started")).isTrue();
        assertThat(status.getString("targets[0].last_probe.stage")).isEqualTo("query");
        assertThat(status.getString("targets[0].last_probe.outcome")).isIn("ok", "slow");
        assertThat(status.getMap("targets[0].last_walk.stages_ms")).containsOnlyKeys("socket", "connect", "handshake", "query");
        assertThat(status.getString("targets[0].circuit.state")).isEqualTo("closed");
    }

    @Test
    @Order(3)
    void aHangIsAHandshakeTimeoutAndOpensTheCircuit() {
        db().freeze();
        Instant stopped = Instant.now();
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> Guard.code("/q/health/ready") == 503);
            System.out.printf("[measure] SIGSTOP -> /q/health/ready 503: %d ms%n", Duration.between(stopped, Instant.now()).toMillis());
            assertThat(Guard.reason()).isEqualTo("handshake_timeout");
            assertThat(Guard.circuit()).isIn("open", "half_open");
            assertThat(Guard.code("/q/health/started")).as("started is latched").isEqualTo(200);
            assertThat(Guard.code("/q/health/live")).as("a database outage never fails liveness").isEqualTo(200);
        } finally {
            db().resume();
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        assertThat(Guard.circuit()).isEqualTo("closed");
    }

    @Test
    @Order(4)
    void aCrashLeavesAStaleSocketThatRefusesConnections() {
        db().kill9();
        await().atMost(PATIENCE).until(() -> "connect_refused".equals(Guard.reason()));
        assertThat(Guard.lastStage()).isEqualTo("connect");
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 503);
        assertThat(Guard.code("/q/health/live")).isEqualTo(200);
        db().start();
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(5)
    void aCleanStopRemovesTheSocket() {
        db().stop();
        await().atMost(PATIENCE).until(() -> "socket_missing".equals(Guard.reason()));
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 503);
        db().start();
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(7)
    void exhaustedConnectionsAreTooManyConnections() throws Exception {
        try (AutoCloseable held = db().exhaustConnections()) {
            await().atMost(PATIENCE).until(() -> "too_many_connections".equals(Guard.reason()));
            assertThat(Guard.lastStage()).isEqualTo("handshake");
            assertThat(Guard.status().getString("targets[0].last_probe.sqlstate")).isEqualTo("53300");
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(6)
    void connectionsRunningOutAreOneWarningAndReadinessStaysUp() throws Exception {
        Path log = Path.of("target", "quarkus.log");
        long warningsBefore = headroomWarnings(log);
        int limit = PgFixture.MAX_CONNECTIONS;
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Guard.status().getInt("targets[0].connections.used"))
                .as("the kept session alone").isEqualTo(1));
        assertThat(Guard.status().getInt("targets[0].connections.limit")).isEqualTo(limit);
        try (AutoCloseable held = db().holdConnections(limit - 2)) { // one slot free: 8 % of 12, under 10 %
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonPath status = Guard.status();
                assertThat(status.getBoolean("targets[0].connections.headroom_low")).isTrue();
                assertThat(status.getInt("targets[0].connections.used")).isEqualTo(limit - 1);
                assertThat(status.getInt("targets[0].connections.free")).isEqualTo(1);
                assertThat(Guard.metric("guard_db_connections")).isEqualTo(limit - 1.0);
            });
            assertThat(Guard.metric("guard_db_connections_headroom_low")).isEqualTo(1.0);
            assertThat(Guard.metric("guard_db_connections_limit")).isEqualTo(limit);
            long probes = Guard.status().getLong("targets[0].counters.probes");
            await().atMost(PATIENCE).until(() -> Guard.status().getLong("targets[0].counters.probes") >= probes + 5);
            assertThat(headroomWarnings(log) - warningsBefore).as("one WARN line for the crossing, not one per probe")
                    .isEqualTo(1);
            assertThat(Guard.code("/q/health/ready")).as("the database still answers").isEqualTo(200);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Guard.status().getInt("targets[0].connections.used"))
                .isEqualTo(1));
        assertThat(Guard.status().getBoolean("targets[0].connections.headroom_low")).as("held for a minute").isTrue();
    }

    private static long headroomWarnings(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream()
                .filter(l -> l.contains("WARN") && l.contains("connection headroom low")).count() : 0;
    }

    @Test
    @Order(8)
    void aChangedPasswordIsAuthFailedAndSaysWaitingWillNotFixIt() {
        String original = db().password();
        db().setPassword("something-else-entirely");
        try {
            await().atMost(PATIENCE).until(() -> "auth_failed".equals(Guard.reason()));
            JsonPath status = Guard.status();
            assertThat(status.getString("targets[0].last_probe.stage")).isEqualTo("query");
            assertThat(status.getString("targets[0].last_probe.sqlstate")).isEqualTo("28P01");
            assertThat(status.getBoolean("targets[0].misconfigured")).isTrue();
            assertThat(status.getString("targets[0].action")).contains("waiting will not fix");
        } finally {
            db().setPassword(original);
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(9)
    void aDroppedDatabaseIsDatabaseMissing() {
        db().dropDatabase(db().database());
        try {
            await().atMost(PATIENCE).until(() -> "database_missing".equals(Guard.reason()));
            assertThat(Guard.status().getString("targets[0].last_probe.sqlstate")).isEqualTo("3D000");
            assertThat(Guard.status().getBoolean("targets[0].misconfigured")).isTrue();
        } finally {
            db().createDatabase(db().database());
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(10)
    void adminActionsAreOffByDefault() {
        given().header("Authorization", "Bearer whatever-token-it-is-long").when().post("/guard/admin/circuit/open")
                .then().statusCode(404);
    }
}
