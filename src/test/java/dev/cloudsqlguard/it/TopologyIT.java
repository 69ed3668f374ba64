package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Roles on a real primary and its streaming replica, and an IAM database user, black-box: a
 * replica target is ready, a primary where a replica is required reports {@code not_a_replica},
 * a replica where a primary is required reports {@code read_only}, a user the proxy logs in needs
 * no password; a promoted replica reports {@code not_a_replica}.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TopologyResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static JsonPath target(String name) {
        return JsonPath.from(Guard.status().prettify()).setRootPath("targets.find { it.name == '" + name + "' }");
    }

    @Test
    @Order(1)
    void eachTargetIsJudgedByItsRole() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        assertThat(target("replica").getString("last_probe.stage")).isEqualTo("query");
        await().atMost(PATIENCE).until(() -> "not_a_replica".equals(target("primary").getString("reason")));
        assertThat(target("primary").getString("last_probe.stage")).isEqualTo("query");
        await().atMost(PATIENCE).until(() -> "read_only".equals(target("wrongrole").getString("reason")));
        await().atMost(PATIENCE).until(() -> target("iam").getBoolean("started"));
        assertThat(target("iam").getString("last_probe.stage")).as("the IAM user ran the query").isEqualTo("query");
        assertThat(Guard.code("/q/health/ready")).as("the wrong roles are optional targets").isEqualTo(200);
    }

    @Test
    @Order(2)
    void anIamUserTheServerDoesNotTrustIsAuthFailedNamingTheProxyFlag() throws Exception {
        try (PgFixture scram = PgFixture.createConfigured("--role", TopologyResource.IAM_USER).start()) {
            Map<String, String> env = new HashMap<>();
            env.put("GUARD_TARGET_INSTANCE", scram.instance());
            env.put("GUARD_TARGET_SOCKET_DIR", scram.cloudsqlRoot().toString());
            env.put("GUARD_TARGET_USER", TopologyResource.IAM_USER);
            env.put("GUARD_PROBE_TIMEOUT", "5s");
            PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "1s");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
            assertThat(run.stdout()).contains("auth_failed").contains("--auto-iam-authn");
        }
    }

    @Test
    @Order(3)
    void theDeprecatedRequirePrimaryStillReportsReadOnlyAndWarnsOnce() throws Exception {
        PgFixture replica = TopologyResource.replica();
        Map<String, String> env = new HashMap<>();
        env.put("GUARD_TARGET_INSTANCE", replica.instance());
        env.put("GUARD_TARGET_SOCKET_DIR", replica.cloudsqlRoot().toString());
        env.put("GUARD_TARGET_USER", replica.user());
        env.put("GUARD_TARGET_PASSWORD", replica.password());
        env.put("GUARD_TARGET_DATABASE", replica.database());
        env.put("GUARD_TARGET_REQUIRE_PRIMARY", "true");
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "1s");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.stdout()).contains("read_only");
        assertThat(run.all().lines().filter(l -> l.contains("deprecated configuration"))).singleElement().asString()
                .contains("guard.target.require-primary").contains("guard.target.role=primary");
        assertThat(run.all()).doesNotContain(replica.password());
    }

    @Test
    @Order(4)
    void aReplicaWhoseReplayIsPausedLagsAndFailsOnlyWhereALagBoundIsSet() throws InterruptedException {
        PgFixture primary = TopologyResource.primary();
        PgFixture replica = TopologyResource.replica();
        primary.psql("CREATE TABLE IF NOT EXISTS lag_probe (at timestamptz)");
        // the replica has replayed a transaction before its replay is paused: a lag is the age of the last one
        await().atMost(PATIENCE).until(() -> "t".equals(replica.psql("SELECT to_regclass('lag_probe') IS NOT NULL").trim()));
        await().atMost(PATIENCE).until(() -> Double.valueOf(0.0).equals(lag("lagging"))
                && target("lagging").getString("reason") == null);
        assertThat(target("lagging").getBoolean("in_recovery")).isTrue();
        assertThat((Object) target("primary").get("replication_lag_seconds")).as("a primary has no lag").isNull();
        replica.psql("SELECT pg_wal_replay_pause()");
        try {
            for (int i = 0; i < 20 && !"replica_lagging".equals(target("lagging").getString("reason")); i++) {
                primary.psql("INSERT INTO lag_probe VALUES (now())");
                Thread.sleep(250);
            }
            await().atMost(PATIENCE).until(() -> "replica_lagging".equals(target("lagging").getString("reason")));
            JsonPath lagging = target("lagging");
            assertThat(lag("lagging")).isGreaterThan(TopologyResource.MAX_LAG_SECONDS);
            assertThat(lagging.getString("last_probe.stage")).isEqualTo("query");
            assertThat(lagging.getString("explanation")).contains("max-replication-lag");
            assertThat(lagMetric("lagging")).isGreaterThan(TopologyResource.MAX_LAG_SECONDS);
            assertThat(target("replica").getString("reason")).as("no bound: the lag is reported, not judged").isNull();
            assertThat(lag("replica")).isGreaterThan(0.0);
            assertThat(Guard.code("/q/health/ready")).as("lagging is optional").isEqualTo(200);
        } finally {
            replica.psql("SELECT pg_wal_replay_resume()");
        }
        await().atMost(PATIENCE).until(() -> target("lagging").getString("reason") == null
                && Double.valueOf(0.0).equals(lag("lagging")));
        assertThat(lagMetric("replica")).isEqualTo(0.0);
    }

    /** The target's replication_lag_seconds in /guard/status, or null. */
    private static Double lag(String name) {
        Number n = target(name).get("replication_lag_seconds");
        return n == null ? null : n.doubleValue();
    }

    private static double lagMetric(String target) {
        String scrape = RestAssured.given().when().get("/q/metrics").then().statusCode(200).extract()
                .asString();
        return scrape.lines().filter(l -> l.startsWith("guard_replication_lag_seconds{") && l.contains("target=\"" + target + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no guard_replication_lag_seconds of " + target + " in " + scrape));
    }

    @Test
    @Order(5)
    void aPromotedReplicaIsNotAReplica() {
        TopologyResource.replica().psql("SELECT pg_promote()");
        await().atMost(PATIENCE).until(() -> "not_a_replica".equals(target("replica").getString("reason")));
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 503);
    }
}
