package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The circuit and every channel that carries it, black-box: a hang opens the circuit and
 * readiness, status, an SSE client, a webhook receiver (checking the HMAC) and the state file all
 * say so; resuming closes it through HALF_OPEN; one round trip over the session timeout does not open
 * it, a sustained slow database does (its walks are slow); the admin endpoint needs its token.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "start", value = "true"),
        @ResourceArg(name = "webhook", value = "true"),
        @ResourceArg(name = "admin", value = "true"),
        @ResourceArg(name = "slowQuery", value = "true"),
        @ResourceArg(name = "guard.signal.sse-keep-alive", value = "1s"),
        @ResourceArg(name = "guard.circuit.open-wait", value = "2s")})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignalsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static SseClient sse;

    private static PgFixture db() {
        return FixtureResource.fixture();
    }

    /** Subscribes once, in the first test: RestAssured's port is only set up for test methods. */
    private static synchronized void subscribe() {
        if (sse == null) {
            await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
            sse = new SseClient("http://localhost:" + RestAssured.port + "/guard/events");
            await().atMost(PATIENCE).until(() -> !sse.named("state").isEmpty());
        }
    }

    @AfterAll
    static void unsubscribe() {
        if (sse != null) {
            sse.close();
        }
    }

    @Test
    @Order(1)
    void aNewSubscriberFirstReceivesTheCurrentStateThenKeepAlives() {
        subscribe();
        SseClient.Event first = sse.events().get(0);
        assertThat(first.name()).isEqualTo("state");
        JsonPath state = JsonPath.from(first.data());
        assertThat(state.getBoolean("ready")).isTrue();
        assertThat(state.getString("targets[0].circuit.state")).isEqualTo("closed");
        await().atMost(PATIENCE).until(() -> sse.comments().contains("keep-alive"));
    }

    @Test
    @Order(2)
    void aHangOpensTheCircuitOnEverySignal() throws Exception {
        subscribe();
        int hooksBefore = FixtureResource.webhook().deliveries().size();
        int sseBefore = sse.named("transition").size();
        db().freeze();
        Instant stopped = Instant.now();
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> Guard.code("/q/health/ready") == 503);
            Instant readyDown = Instant.now();
            SseClient.Event opened = awaitSse(sseBefore, e -> e.data().contains("\"to\":\"open\""));
            WebhookReceiver.Delivery hook = awaitHook(hooksBefore, d -> d.body().contains("\"to\":\"open\""));
            Instant fileAt = awaitStateFile(j -> !j.getBoolean("ready") && "open".equals(j.getString("targets[0].circuit.state")));
            System.out.printf("[measure] after SIGSTOP: ready=503 %d ms, SSE %d ms, webhook %d ms, state file %d ms%n",
                    ms(stopped, readyDown), ms(stopped, opened.at()), ms(stopped, hook.at()), ms(stopped, fileAt));

            JsonPath event = JsonPath.from(opened.data());
            assertThat(event.getString("from")).isEqualTo("closed");
            assertThat(event.getString("reason")).isEqualTo("handshake_timeout");
            assertThat(event.getBoolean("ready")).isFalse();
            assertThat(hook.event()).isEqualTo("transition");
            assertThat(hook.signatureValid()).as("X-Guard-Signature %s", hook.signature()).isTrue();
            JsonPath status = Guard.status();
            assertThat(status.getString("targets[0].circuit.state")).isIn("open", "half_open");
            assertThat(status.getString("targets[0].circuit.why")).contains("probes failed");
            assertThat(status.getFloat("targets[0].circuit.failure_rate")).isGreaterThanOrEqualTo(50f);

            // the verdict in words, where the issue puts it: status, the health check's data, the WARN line
            String reason = status.getString("targets[0].reason");
            String layer = status.getString("targets[0].verdict.layer");
            assertThat(layer).as("the layer of %s", reason)
                    .isEqualTo(Map.of("handshake_timeout", "network", "query_timeout", "database").get(reason));
            assertThat(status.getString("targets[0].verdict.summary")).isNotBlank();
            assertThat(status.getString("targets[0].verdict.hint")).isNotBlank();
            JsonPath health = given().when().get("/q/health/ready").then().statusCode(503).extract().jsonPath();
            assertThat(health.getString("checks[0].data.layer")).isIn("network", "database");
            assertThat(health.getString("checks[0].data.verdict")).isNotBlank();
            assertThat(health.getString("checks[0].data.hint")).isNotBlank();
            await().atMost(PATIENCE).until(() -> Files.readAllLines(Path.of("target", "quarkus.log")).stream()
                    .anyMatch(l -> l.contains("WARN") && l.contains("[layer " + layer + "] check: ")));
        } finally {
            db().resume();
        }
    }

    @Test
    @Order(3)
    void resumingClosesTheCircuitThroughHalfOpenInOrder() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        await().atMost(PATIENCE).until(() -> sse.named("transition").stream().anyMatch(e -> e.data().contains("\"to\":\"closed\"")));
        List<String> sseOrder = sse.named("transition").stream().map(e -> JsonPath.from(e.data()).getString("to")).toList();
        assertThat(sseOrder).containsSubsequence("open", "half_open", "closed");
        await().atMost(PATIENCE).until(() -> FixtureResource.webhook().deliveries().stream()
                .anyMatch(d -> d.body().contains("\"to\":\"closed\"")));
        List<WebhookReceiver.Delivery> hooks = FixtureResource.webhook().deliveries();
        assertThat(hooks).allMatch(WebhookReceiver.Delivery::signatureValid);
        assertThat(hooks.stream().map(WebhookReceiver.Delivery::sequence).toList()).isSorted();
        assertThat(hooks.stream().map(d -> JsonPath.from(d.body()).getString("to")).toList())
                .containsSubsequence("open", "half_open", "closed");
        await().atMost(PATIENCE).until(() -> {
            JsonPath j = readStateFile().orElse(null);
            return j != null && j.getBoolean("ready") && "closed".equals(j.getString("targets[0].circuit.state"));
        });
    }

    @Test
    @Order(4)
    void oneRoundTripOverTheSessionTimeoutFailsOneProbeAndDoesNotOpenTheCircuit() {
        double timeoutsBefore = probes("failed", "query_timeout");
        int transitionsBefore = sse.named("transition").size();
        FixtureResource.slowNextProbes(1, 1.5); // the kept session's next round trip takes 1.5 s, over its 1 s bound
        await().atMost(PATIENCE).until(() -> probes("failed", "query_timeout") >= timeoutsBefore + 1);
        long probesAfter = Guard.status().getLong("targets[0].counters.probes");
        await().atMost(PATIENCE).until(() -> Guard.status().getLong("targets[0].counters.probes") >= probesAfter + 5);
        assertThat(probes("failed", "query_timeout")).isEqualTo(timeoutsBefore + 1);
        assertThat(Guard.circuit()).isEqualTo("closed");
        assertThat(sse.named("transition")).hasSize(transitionsBefore);
        assertThat(Guard.code("/q/health/ready")).isEqualTo(200);
    }

    @Test
    @Order(5)
    void aSustainedSlowDatabaseOpensTheCircuit() {
        FixtureResource.slowNextProbes(1000, 0.7);
        try {
            await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 503);
            JsonPath status = Guard.status();
            assertThat(status.getString("targets[0].circuit.why")).contains("slower than");
            assertThat(status.getFloat("targets[0].circuit.slow_rate")).isGreaterThanOrEqualTo(75f);
            assertThat(status.getString("targets[0].reason")).as("slow is not a failure").isNull();
        } finally {
            FixtureResource.slowNextProbes(0, 0);
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
    }

    @Test
    @Order(6)
    void adminEndpointRefusesWithoutTheToken() {
        given().when().post("/guard/admin/circuit/open").then().statusCode(401);
        given().header("Authorization", "Bearer wrong-token-of-some-length").when().post("/guard/admin/circuit/open")
                .then().statusCode(401);
        given().header("Authorization", "Basic " + FixtureResource.ADMIN_TOKEN).when().post("/guard/admin/circuit/open")
                .then().statusCode(401);
        assertThat(Guard.circuit()).isEqualTo("closed");
        given().header("Authorization", "Bearer " + FixtureResource.ADMIN_TOKEN).when().post("/guard/admin/circuit/nonsense")
                .then().statusCode(400);
    }

    @Test
    @Order(7)
    void adminCanForceTheCircuitOpenAndRelease() {
        String auth = "Bearer " + FixtureResource.ADMIN_TOKEN;
        given().header("Authorization", auth).when().post("/guard/admin/circuit/open").then().statusCode(200);
        assertThat(Guard.circuit()).isEqualTo("forced_open");
        assertThat(Guard.code("/q/health/ready")).isEqualTo(503);
        assertThat(Guard.status().getString("targets[0].circuit.why")).contains("operator");
        given().header("Authorization", auth).when().post("/guard/admin/circuit/release").then().statusCode(200);
        assertThat(Guard.circuit()).isEqualTo("closed");
        assertThat(Guard.code("/q/health/ready")).isEqualTo(200);
        await().atMost(PATIENCE).until(() -> sse.named("transition").stream().anyMatch(e -> e.data().contains("forced_open")));
    }

    /**
     * Subscribers that arrive together, while the stream's one sender thread writes keep-alives every
     * second and a transition goes out: each gets a response head and its state as its first event.
     * (The first event was once written from the sender thread while Quarkus REST wrote the head on the
     * request's thread; a browser then waited 40 s for a head.)
     */
    @Test
    @Order(8)
    void subscribersArrivingTogetherEachGetTheirStateFirst() {
        subscribe();
        String auth = "Bearer " + FixtureResource.ADMIN_TOKEN;
        List<SseClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                clients.add(new SseClient("http://localhost:" + RestAssured.port + "/guard/events"));
                if (i == 20) { // a transition while subscribers arrive
                    given().header("Authorization", auth).when().post("/guard/admin/circuit/open").then().statusCode(200);
                }
            }
            given().header("Authorization", auth).when().post("/guard/admin/circuit/release").then().statusCode(200);
            await().atMost(PATIENCE).until(() -> clients.stream().noneMatch(c -> c.events().isEmpty()));
            for (SseClient c : clients) {
                SseClient.Event first = c.events().get(0);
                assertThat(first.name()).as("the first event of every subscriber").isEqualTo("state");
            }
            await().atMost(PATIENCE).until(() -> clients.stream().allMatch(c -> c.comments().contains("keep-alive")));
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    private static double probes(String outcome, String reason) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("guard_probes_total{") && l.contains("outcome=\"" + outcome + "\"")
                        && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static SseClient.Event awaitSse(int skip, Predicate<SseClient.Event> match) {
        return await().atMost(PATIENCE).until(() -> sse.named("transition").stream().skip(skip).filter(match).findFirst(),
                Optional::isPresent).get();
    }

    private static WebhookReceiver.Delivery awaitHook(int skip, Predicate<WebhookReceiver.Delivery> match) {
        return await().atMost(PATIENCE).until(() -> FixtureResource.webhook().deliveries().stream().skip(skip)
                .filter(match).findFirst(), Optional::isPresent).get();
    }

    private static Instant awaitStateFile(Predicate<JsonPath> match) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10))
                .until(() -> readStateFile().map(match::test).orElse(false));
        return Instant.now();
    }

    private static Optional<JsonPath> readStateFile() {
        try {
            String text = Files.readString(FixtureResource.stateFile());
            Map<String, Object> parsed = JsonPath.from(text).getMap("$");
            assertThat(parsed).as("the state file is always complete JSON").containsKey("targets");
            return Optional.of(JsonPath.from(text));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static long ms(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}
