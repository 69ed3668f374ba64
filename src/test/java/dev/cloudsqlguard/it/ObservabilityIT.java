package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus and Cloud Logging receive from the packaged guard: a scrape that passes
 * {@code promtool check metrics}, label values from fixed vocabularies only, a real Prometheus
 * server scraping the guard and answering a query for a guard series, zero database round trips
 * caused by scrapes, and JSON log lines with severity, message and the structured fields, one per change
 * (the rate limit held none back). Hostile requests: HostileRequestsIT.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "start", value = "true"),
        @ResourceArg(name = "guard.probe.interval", value = "10s")})
class ObservabilityIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final List<String> REASONS = List.of("none", "socket_missing", "not_a_socket", "dns_failed",
            "connect_refused", "connect_timeout", "io_error", "tls_unavailable", "tls_failed", "handshake_timeout",
            "tls_required", "server_starting",
            "server_shutting_down", "too_many_connections", "protocol_error", "auth_failed", "database_missing",
            "read_only", "not_a_replica", "replica_lagging", "query_timeout", "query_failed");

    @Test
    void aScrapePassesPromtoolAndUsesOnlyFixedLabelValues() throws Exception {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/started") == 200);
        // promtool parses the Prometheus text format (what Prometheus asks for with text/plain)
        String scrape = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics")
                .then().statusCode(200).extract().asString();
        Process promtool = new ProcessBuilder(promtool(), "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(promtool.exitValue()).as("promtool check metrics:\n%s", output).isZero();

        String target = FixtureResource.fixture().instance();
        List<String> guardLines = scrape.lines().filter(l -> l.startsWith("guard_")).toList();
        assertThat(guardLines).anyMatch(l -> l.startsWith("guard_probe_duration_seconds_bucket{") && l.contains("stage=\"handshake\""));
        assertThat(guardLines).anyMatch(l -> l.startsWith("guard_probes_total{") && l.contains("outcome=\"ok\""));
        assertThat(guardLines).anyMatch(l -> l.matches("guard_circuit_state\\{.*state=\"closed\".*} 1\\.0"));
        assertThat(guardLines).anyMatch(l -> l.matches("guard_target_up\\{.*} 1\\.0"));
        assertThat(guardLines).anyMatch(l -> l.matches("guard_started(\\{})? 1\\.0"));
        assertThat(guardLines).anyMatch(l -> l.startsWith("guard_last_success_timestamp_seconds{"));
        assertThat(guardLines).anyMatch(l -> l.startsWith("guard_circuit_transitions_total{") && l.contains("to=\"open\""));
        for (String line : guardLines) {
            Matcher m = LABEL.matcher(line.substring(0, line.lastIndexOf(' ')));
            while (m.find()) {
                String label = m.group(1);
                String value = m.group(2);
                switch (label) {
                    case "target" -> assertThat(value).as(line).isEqualTo(target);
                    case "stage" -> assertThat(value).as(line).isIn("socket", "connect", "tls", "handshake", "query");
                    case "outcome" -> assertThat(value).as(line).isIn("ok", "slow", "failed");
                    case "reason" -> assertThat(value).as(line).isIn(REASONS);
                    case "state", "from", "to" -> assertThat(value).as(line)
                            .isIn("closed", "open", "half_open", "forced_open", "forced_closed");
                    case "le", "receiver", "result" -> { }
                    default -> throw new AssertionError("unexpected label " + label + " in " + line);
                }
            }
        }
    }

    @Test
    void scrapesNeverTouchTheDatabase() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/started") == 200);
        String guardBackends = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cloudsql-guard'";
        String heldBefore = FixtureResource.fixture().psql("postgres", guardBackends).trim();
        long probesBefore = Guard.status().getLong("targets[0].counters.probes");
        long sessionsBefore = FixtureResource.fixture().sessionsTotal();
        List<String> endpoints = List.of("/q/health/ready", "/q/metrics", "/guard/status", "/guard/", "/guard/history");
        for (int i = 0; i < 200; i++) {
            given().when().get(endpoints.get(i % endpoints.size())).then().statusCode(200);
        }
        long sessionsAfter = FixtureResource.fixture().sessionsTotal();
        long probes = Guard.status().getLong("targets[0].counters.probes") - probesBefore;
        // pg_stat_database.sessions also counts the session of the first measurement itself (1);
        // the guard's probes reuse their kept session and hang up before authenticating.
        assertThat(sessionsAfter - sessionsBefore).as("new sessions during 200 scrapes and page loads (%d probes ran)", probes)
                .isLessThanOrEqualTo(1);
        assertThat(heldBefore).as("the guard holds one session").isEqualTo("1");
        assertThat(FixtureResource.fixture().psql("postgres", guardBackends).trim()).isEqualTo(heldBefore);
    }

    @Test
    void aRealPrometheusScrapesTheGuard() throws Exception {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/started") == 200);
        Path dir = Files.createTempDirectory("guard-prometheus-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: cloudsql-guard
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(RestAssured.port));
        Process prometheus = new ProcessBuilder(prometheusBinary(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String query = URLEncoder.encode("guard_started{job=\"cloudsql-guard\"}", StandardCharsets.UTF_8);
            JsonNode[] result = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + query)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    JsonNode body = new ObjectMapper().readTree(r.body());
                    result[0] = body.path("data").path("result");
                    return result[0].size() == 1;
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(result[0].get(0).path("value").get(1).asText()).isEqualTo("1");
            assertThat(result[0].get(0).path("metric").path("instance").asText()).isEqualTo("127.0.0.1:" + RestAssured.port);
        } finally {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
            PgFixture.deleteRecursively(dir);
        }
    }

    /** guard_log_lines_suppressed_total: the lines the rate limit held back, so far. */
    private static double linesHeldBack() {
        String scrape = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        return scrape.lines().filter(l -> l.startsWith("guard_log_lines_suppressed_total ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no guard_log_lines_suppressed_total in the scrape"));
    }

    @Test
    void productionLogsAreCloudLoggingJsonWithStructuredFields() throws Exception {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/started") == 200);
        double heldBackBefore = linesHeldBack();
        FixtureResource.fixture().kill9();
        try {
            await().atMost(PATIENCE).until(() -> "connect_refused".equals(Guard.reason()));
            await().atMost(PATIENCE).until(() -> "open".equals(Guard.circuit()));
        } finally {
            FixtureResource.fixture().start();
        }
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("target", "quarkus.log"))) {
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines).allMatch(l -> l.hasNonNull("severity") && l.hasNonNull("message") && l.hasNonNull("timestamp"));
        JsonNode unreachable = lines.stream()
                .filter(l -> l.path("message").asText().contains("unreachable"))
                .filter(l -> "connect_refused".equals(l.path("mdc").path("reason").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no connect_refused line in " + lines));
        assertThat(unreachable.path("severity").asText()).isEqualTo("WARN");
        assertThat(unreachable.path("mdc").path("target").asText()).isEqualTo(FixtureResource.fixture().instance());
        assertThat(unreachable.path("mdc").path("stage").asText()).isEqualTo("connect");
        JsonNode transition = lines.stream().filter(l -> l.path("message").asText().startsWith("circuit "))
                .filter(l -> "open".equals(l.path("mdc").path("to").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no circuit transition line"));
        assertThat(transition.path("mdc").path("from").asText()).isEqualTo("closed");
        assertThat(transition.path("mdc").path("reason").asText()).isEqualTo("connect_refused");
        long perProbe = lines.stream().filter(l -> l.path("message").asText().contains("connect_refused")).count();
        assertThat(perProbe).as("one line per change, not one per probe").isLessThanOrEqualTo(3);
        // the rate limit (at most one identical line a minute) would hide lines repeated per probe:
        // it held none back, so the guard itself logged one line per change
        assertThat(linesHeldBack() - heldBackBefore).as("lines the rate limit held back during the outage").isZero();
    }

    private static String promtool() {
        return System.getProperty("promtool", "promtool");
    }

    private static String prometheusBinary() {
        return System.getProperty("prometheus", "prometheus");
    }
}
