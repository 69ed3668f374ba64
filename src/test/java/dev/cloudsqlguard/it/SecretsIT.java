package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets (database password, webhook secret, admin token) never appear in anything the guard
 * shows: health output, status, metrics, SSE, the state file, webhook bodies or its own log —
 * including while authentication fails and while the admin endpoint refuses a request.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "start", value = "true"),
        @ResourceArg(name = "passwordInline", value = "true"),
        @ResourceArg(name = "webhook", value = "true"),
        @ResourceArg(name = "admin", value = "true"),
        @ResourceArg(name = "guard.probe.session-max-age", value = "2s"),
        // the session is renewed at a walk: walk every 2 s, so the rotated password shows well within PATIENCE
        // (with the 30 s default the auth_failed came after 30 s, once, and the test timed out)
        @ResourceArg(name = "guard.probe.new-connection-interval", value = "2s")})
class SecretsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void noSecretIsEverShown() throws Exception {
        String password = FixtureResource.fixture().password();
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);

        // Make the guard talk about authentication: change the password under it.
        FixtureResource.fixture().setPassword("rotated-" + password);
        try {
            await().atMost(PATIENCE).until(() -> "auth_failed".equals(Guard.reason()));
        } finally {
            FixtureResource.fixture().setPassword(password);
        }
        given().header("Authorization", "Bearer " + FixtureResource.ADMIN_TOKEN + "x").post("/guard/admin/circuit/open")
                .then().statusCode(401);
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);

        List<String> shown = new ArrayList<>();
        for (String path : List.of("/q/health", "/q/health/started", "/q/health/ready", "/q/health/live",
                "/guard/status", "/q/metrics")) {
            shown.add(given().when().get(path).then().extract().asString());
        }
        try (SseClient sse = new SseClient("http://localhost:" + RestAssured.port + "/guard/events")) {
            await().atMost(PATIENCE).until(() -> !sse.named("state").isEmpty());
            sse.events().forEach(e -> shown.add(e.data()));
        }
        shown.add(Files.readString(FixtureResource.stateFile()));
        FixtureResource.webhook().deliveries().forEach(d -> shown.add(d.body()));
        Path log = Path.of("target", "quarkus.log");
        assertThat(log).exists();
        String logText = Files.readString(log);
        assertThat(logText).contains("auth_failed");
        shown.add(logText);

        for (String text : shown) {
            assertThat(text)
                    .doesNotContain(password)
                    .doesNotContain(FixtureResource.WEBHOOK_SECRET)
                    .doesNotContain(FixtureResource.ADMIN_TOKEN);
        }
    }
}
