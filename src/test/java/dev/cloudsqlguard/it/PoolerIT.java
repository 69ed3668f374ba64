package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Through a default PgBouncer: the guard becomes ready (its query stage sends only startup
 * parameters a default pooler accepts), and when the database behind the pooler is down the
 * handshake still passes (the pooler answers it), so only the query can tell: the status says
 * stage {@code query} and readiness goes DOWN; never healthy.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PoolerResource.class, restrictToAnnotatedClass = true)
class PoolerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);

    @Test
    void readyThroughThePoolerAndDownAtStageQueryWhenTheDatabaseBehindItIs() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Guard.code("/q/health/started"))
                .as("%s", Guard.status().prettify() + PoolerResource.pooler().logTail()).isEqualTo(200));
        JsonPath up = Guard.status();
        assertThat(up.getString("targets[0].last_probe.stage")).isEqualTo("query");
        assertThat(up.getString("targets[0].last_probe.outcome")).isIn("ok", "slow");
        assertThat(Guard.code("/q/health/ready")).isEqualTo(200);

        PoolerResource.db().stop();
        try {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Guard.code("/q/health/ready")).isEqualTo(503));
            JsonPath down = Guard.status();
            assertThat(down.getString("targets[0].last_probe.stage")).as(down.prettify()).isEqualTo("query");
            assertThat(down.getString("targets[0].last_probe.outcome")).isEqualTo("failed");
            assertThat(down.getString("targets[0].reason")).isNotEqualTo("none");
            assertThat(down.getDouble("targets[0].last_probe.stages_ms.handshake")).as("the pooler answered the handshake")
                    .isGreaterThanOrEqualTo(0.0);
        } finally {
            PoolerResource.db().start();
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Guard.code("/q/health/ready")).isEqualTo(200));
        assertThat(Guard.lastStage()).isEqualTo("query");
    }
}
