package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two named targets on two real servers: {@code main} gates the guard, {@code reports} is optional.
 * Each is reported everywhere; only the required one moves readiness; one target's hang does not
 * hold up the other's probes; {@code wait} waits for the required targets, or the one named.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TwoTargetsResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoTargetsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static JsonPath target(String name) {
        return JsonPath.from(Guard.status().prettify()).setRootPath("targets.find { it.name == '" + name + "' }");
    }

    @Test
    @Order(1)
    void bothTargetsAreReportedEverywhere() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/started") == 200);
        await().atMost(PATIENCE).until(() -> target("reports").getBoolean("started"));
        assertThat(target("main").getBoolean("required")).isTrue();
        assertThat(target("reports").getBoolean("required")).isFalse();
        assertThat(target("main").getString("last_probe.stage")).isEqualTo("query");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("guard_target_up{target=\"main\"}").contains("guard_target_up{target=\"reports\"}");
        JsonPath ready = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        assertThat(ready.getString("checks[0].data.main")).startsWith("required ").contains("circuit=closed");
        assertThat(ready.getString("checks[0].data.reports")).startsWith("optional ");
        assertThat(ready.getString("checks[0].data.target")).as("no per-field entries that collide").isNull();
    }

    @Test
    @Order(2)
    void theOptionalTargetIsReportedButNeverGates() {
        TwoTargetsResource.reports().stop();
        try {
            await().atMost(PATIENCE).until(() -> target("reports").getString("circuit.state").equals("open"));
            assertThat(Guard.code("/q/health/ready")).isEqualTo(200);
            assertThat(Guard.status().getBoolean("ready")).isTrue();
        } finally {
            TwoTargetsResource.reports().start();
        }
        await().atMost(PATIENCE).until(() -> target("reports").getString("circuit.state").equals("closed"));
    }

    @Test
    @Order(3)
    void aHangOfTheRequiredTargetTurnsReadyDownAndDoesNotHoldUpTheOther() {
        TwoTargetsResource.main().freeze();
        try {
            await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 503);
            assertThat(target("main").getString("reason")).isEqualTo("handshake_timeout");
            long before = target("reports").getLong("counters.probes");
            await().atMost(PATIENCE).until(() -> target("reports").getLong("counters.probes") >= before + 3);
            assertThat(target("reports").getString("circuit.state")).isEqualTo("closed");
        } finally {
            TwoTargetsResource.main().resume();
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(4)
    void waitWaitsForTheRequiredTargetsOrTheOneNamed() throws Exception {
        Map<String, String> env = TwoTargetsResource.env();
        PackagedGuard.Run both = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "20s");
        assertThat(both.exitCode()).as(both.all()).isZero();
        assertThat(both.stdout()).contains("main is ready after").doesNotContain("reports is ready");

        TwoTargetsResource.reports().stop();
        try {
            PackagedGuard.Run required = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "2s");
            assertThat(required.exitCode()).as("reports is optional: %s", required.all()).isZero();
            PackagedGuard.Run named = PackagedGuard.run(env, LIMIT, "wait", "--target", "reports", "--timeout", "2s");
            assertThat(named.exitCode()).as(named.all()).isEqualTo(2);
            assertThat(named.stdout()).contains("reports not ready at stage socket: socket_missing");
            PackagedGuard.Run unknown = PackagedGuard.run(env, LIMIT, "wait", "--target", "nope");
            assertThat(unknown.exitCode()).isEqualTo(3);
        } finally {
            TwoTargetsResource.reports().start();
        }
    }
}
