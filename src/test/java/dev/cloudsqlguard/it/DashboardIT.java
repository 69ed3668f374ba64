package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.testing.GrafanaDashboard;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard against a real scrape of the packaged guard (jar or native): every series a panel,
 * an annotation or the {@code target} variable names is one the guard exports, and every label its matchers
 * filter on is one those series carry. The target is TCP with TLS (TlsResource), so that the certificate
 * expiry gauge, which only TLS targets have, is in the scrape.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TlsResource.class, restrictToAnnotatedClass = true)
class DashboardIT {

    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((\\w+),\\s*(\\w+)\\)");

    @Test
    void everySeriesAndLabelTheDashboardNamesIsInARealScrape() {
        await().atMost(Duration.ofSeconds(40)).until(() -> Guard.code("/q/health/ready") == 200);
        List<String> series = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics")
                .then().statusCode(200).extract().asString().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

        List<GrafanaDashboard.Query> queries = GrafanaDashboard.queries();
        assertThat(queries).isNotEmpty();
        for (GrafanaDashboard.Query q : queries) {
            Set<String> names = GrafanaDashboard.metricNames(q.promql());
            assertThat(names).as(q.where()).isNotEmpty();
            for (String name : names) {
                assertThat(series).as("%s names %s, which the guard does not export", q.where(), name)
                        .anyMatch(l -> nameOf(l).equals(name));
            }
            for (String label : GrafanaDashboard.matcherLabels(q.promql())) {
                assertThat(series).as("%s filters on the label %s, which none of %s carries", q.where(), label, names)
                        .anyMatch(l -> names.contains(nameOf(l)) && l.contains(label + "=\""));
            }
        }
        String variable = GrafanaDashboard.json().path("templating").path("list").findValue("definition").asText();
        Matcher m = LABEL_VALUES.matcher(variable);
        assertThat(m.matches()).as(variable).isTrue();
        assertThat(series).as("the target variable's " + variable)
                .anyMatch(l -> nameOf(l).equals(m.group(1)) && l.contains(m.group(2) + "=\"private\""));
    }

    private static String nameOf(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }
}
