package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.logging.LogEntry;

/**
 * The status page {@code /guard/} in a real headless Chromium against the packaged guard and a real
 * PostgreSQL: it renders the target live from {@code /guard/events}, {@code /guard/status} and
 * {@code /guard/history} with no console error (its Content-Security-Policy forbids anything but its own
 * origin, so an external asset would be one), adds the new probes to its timeline as they come, shows a SIGSTOPped server as an open circuit with the failing
 * stage without a reload, then the recovery; screenshots go to {@code target/screenshots/}. Also the JSON of
 * {@code /guard/history} and the methods it and the page answer.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "start", value = "true"),
        @ResourceArg(name = "guard.circuit.open-wait", value = "2s")})
class StatusPageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** What the test reads of the page, in one script (the page re-renders every 2 s: no element is held). */
    private static final String READ_PAGE = """
            const s = document.querySelector('section[data-target]');
            if (!s) return null;
            const text = sel => { const e = s.querySelector(sel); return e ? e.textContent : null; };
            const failed = s.querySelector('.bar.failed[data-stage]');
            const canvas = s.querySelector('canvas.timeline');
            return {
              target: s.dataset.target,
              circuit: s.querySelector('.circuit').dataset.state,
              layer: text('.layer'), summary: text('.summary'), hint: text('.hint'),
              stages: [...s.querySelectorAll('.bar[data-stage]')].map(b => b.dataset.stage),
              failedStage: failed ? failed.dataset.stage : null,
              reason: text('.reason'),
              probes: canvas ? Number(canvas.dataset.probes || 0) : 0,
              marked: canvas ? Number(canvas.dataset.transitions || 0) : 0,
              transitions: [...s.querySelectorAll('ul.transitions li')].map(li => li.textContent),
              ready: document.getElementById('ready').textContent,
              live: document.getElementById('live').textContent,
              loadedOnce: window.__loadedOnce === true
            };
            """;

    private static PgFixture db() {
        return FixtureResource.fixture();
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePageFollowsAHangAndTheRecoveryLiveWithoutAReload() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        try (Browser browser = new Browser(1280, 820)) {
            browser.open("http://localhost:" + RestAssured.port + "/guard/");
            browser.eval("window.__loadedOnce = true;");

            Map<String, Object> healthy = awaitPage(browser, p -> "closed".equals(p.get("circuit"))
                    && ((Number) p.get("probes")).intValue() >= 3 && "live".equals(p.get("live")));
            assertThat(healthy.get("target")).isEqualTo(db().instance());
            assertThat(healthy.get("ready")).isEqualTo("ready");
            assertThat((List<Object>) healthy.get("stages")).as("the last probe's stages as bars").contains("query");
            assertThat(healthy.get("failedStage")).isNull();
            assertThat(healthy.get("layer")).isEqualTo("healthy");
            assertThat((String) healthy.get("summary")).isNotBlank();
            int loaded = ((Number) healthy.get("probes")).intValue();
            awaitPage(browser, p -> ((Number) p.get("probes")).intValue() >= loaded + 20); // polled, not reloaded

            db().freeze();
            Map<String, Object> open;
            try {
                open = awaitPage(browser, p -> List.of("open", "half_open").contains(p.get("circuit"))
                        && p.get("failedStage") != null && "not ready".equals(p.get("ready")));
                browser.screenshot(SCREENSHOTS.resolve("guard-page-open.png"));
            } finally {
                db().resume();
            }
            assertThat(open.get("failedStage")).as("a hung server fails the kept session's round trip or the walk's "
                    + "handshake").isIn("handshake", "query");
            assertThat((String) open.get("reason")).contains("_timeout");
            assertThat(open.get("layer")).isNotEqualTo("healthy");
            assertThat((String) open.get("summary")).isNotBlank();
            assertThat(((Number) open.get("marked")).intValue()).as("the opening is marked on the timeline").isPositive();
            assertThat((List<?>) open.get("transitions")).anyMatch(t -> t.toString().contains("closed → open"));

            Map<String, Object> recovered = awaitPage(browser, p -> "closed".equals(p.get("circuit"))
                    && "ready".equals(p.get("ready")) && ((Number) p.get("marked")).intValue() >= 3);
            assertThat(recovered.get("loadedOnce")).as("the same document all along: no reload").isEqualTo(true);
            assertThat(recovered.get("layer")).isEqualTo("healthy");
            assertThat((List<?>) recovered.get("transitions"))
                    .anyMatch(t -> t.toString().contains("half_open → closed"));
            browser.screenshot(SCREENSHOTS.resolve("guard-page.png"));

            String marker = "[StatusPageIT] the console is read";
            browser.eval("console.warn('" + marker + "');"); // proves that the log below is the page's console
            List<LogEntry> console = browser.console();
            System.out.printf("[page] browser console: %d entries%n", console.size());
            console.forEach(e -> System.out.printf("[page]   %s %s%n", e.getLevel(), e.getMessage()));
            assertThat(console).as("the test's own warning").anyMatch(e -> e.getMessage().contains(marker));
            assertThat(console).as("console errors and warnings of the page")
                    .noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue() && !e.getMessage().contains(marker));
        }
    }

    @Test
    void thePageIsOneSelfContainedDocument() {
        Response page = given().when().get("/guard/").then().statusCode(200).extract().response();
        assertThat(page.contentType()).startsWith("text/html");
        String html = page.asString();
        System.out.printf("[page] /guard/ is %d bytes%n", html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(html).contains("<script>", "<style>", "Content-Security-Policy", "default-src 'none'")
                .doesNotContain("http://", "https://", " src=", "<link rel=\"stylesheet\"");
        given().when().post("/guard/").then().statusCode(405).header("Allow", "GET, HEAD");
        given().when().head("/guard/").then().statusCode(200);
        // without the slash: a relative redirect to the page (right behind a path prefix too)
        given().redirects().follow(false).when().get("/guard").then().statusCode(301).header("Location", "guard/");
        given().redirects().follow(false).when().head("/guard").then().statusCode(301).header("Location", "guard/");
        given().when().get("/guard").then().statusCode(200).contentType(startsWith("text/html"));
    }

    @Test
    void historyServesTheRecentProbesAndOnlyNewerOnesAfterASequence() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        await().atMost(PATIENCE).until(() -> history("").getList("targets[0].probes").size() >= 3);
        JsonPath all = history("");
        assertThat(all.getInt("window_seconds")).isEqualTo(900);
        assertThat(all.getInt("probes_per_target")).isEqualTo(3600);
        assertThat(all.getString("targets[0].name")).isEqualTo(db().instance());
        List<Long> sequences = all.getList("targets[0].probes.sequence", Long.class);
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
        long latest = all.getLong("sequence");
        assertThat(latest).isGreaterThanOrEqualTo(sequences.get(sequences.size() - 1));
        Map<String, Object> first = all.getMap("targets[0].probes[0]");
        assertThat(first).containsKeys("sequence", "at", "outcome", "stage", "reason", "latency_ms", "stages_ms");
        assertThat(all.getList("targets[0].probes.outcome", String.class)).contains("ok");

        long probesBefore = Guard.status().getLong("targets[0].counters.probes");
        await().atMost(PATIENCE).until(() -> Guard.status().getLong("targets[0].counters.probes") >= probesBefore + 2);
        JsonPath newer = history("?after=" + latest);
        assertThat(newer.getList("targets[0].probes.sequence", Long.class)).isNotEmpty().allMatch(s -> s > latest);

        given().when().get("/guard/history?after=abc").then().statusCode(400);
        given().when().get("/guard/history?after=-1").then().statusCode(400);
        given().when().delete("/guard/history").then().statusCode(405).header("Allow", "GET, HEAD");
    }

    private static JsonPath history(String query) {
        return given().when().get("/guard/history" + query).then().statusCode(200).extract().jsonPath();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitPage(Browser browser, java.util.function.Predicate<Map<String, Object>> match) {
        Map<String, Object>[] last = new Map[1];
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
                last[0] = browser.evalMap(READ_PAGE);
                return last[0] != null && match.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the page never showed what was expected; last read: " + last[0], e);
        }
        return last[0];
    }
}
