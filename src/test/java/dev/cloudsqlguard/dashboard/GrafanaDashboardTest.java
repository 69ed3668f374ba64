package dev.cloudsqlguard.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudsqlguard.testing.GrafanaDashboard;
import dev.cloudsqlguard.testing.Promtool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code k8s/grafana/cloudsql-guard.json}: a datasource variable and a {@code target} variable, every panel on
 * the datasource variable, every query parsed by promtool (each written as a recording rule, then
 * {@code promtool check rules}), and only guard series named, covering each family the README lists.
 * {@code DashboardIT} checks the names against a real scrape of the packaged guard.
 */
class GrafanaDashboardTest {

    static final Set<String> FAMILIES = Set.of("guard_probe_duration_seconds_bucket", "guard_probes_total",
            "guard_circuit_state", "guard_db_connections", "guard_db_connections_limit",
            "guard_db_connections_headroom_low", "guard_replication_lag_seconds",
            "guard_tls_certificate_expiry_timestamp_seconds");

    @Test
    void hasADatasourceAndATargetVariable() {
        List<JsonNode> variables = list(GrafanaDashboard.json().path("templating").path("list"));
        JsonNode datasource = variables.stream().filter(v -> v.path("name").asText().equals("datasource")).findFirst()
                .orElseThrow(() -> new AssertionError("no datasource variable"));
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");
        JsonNode target = variables.stream().filter(v -> v.path("name").asText().equals("target")).findFirst()
                .orElseThrow(() -> new AssertionError("no target variable"));
        assertThat(target.path("type").asText()).isEqualTo("query");
        assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(target.path("query").path("query").asText()).isEqualTo("label_values(guard_circuit_state, target)");
        assertThat(target.path("multi").asBoolean()).isTrue();
        assertThat(target.path("includeAll").asBoolean()).isTrue();
    }

    @Test
    void everyPanelQueriesTheDatasourceVariableAndEveryQueryTheTargetVariable() {
        for (JsonNode panel : list(GrafanaDashboard.json().path("panels"))) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(list(panel.path("targets"))).as(title + " queries").isNotEmpty()
                    .allSatisfy(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
        }
        for (GrafanaDashboard.Query q : GrafanaDashboard.queries()) {
            assertThat(q.written()).as(q.where()).isNotBlank();
            if (!GrafanaDashboard.metricNames(q.promql()).equals(Set.of("guard_started"))) {
                assertThat(q.written()).as(q.where() + " follows the target variable").contains("target=~\"$target\"");
            }
        }
    }

    @Test
    void namesOnlyGuardSeriesAndCoversEveryFamily() {
        Set<String> named = new LinkedHashSet<>();
        for (GrafanaDashboard.Query q : GrafanaDashboard.queries()) {
            Set<String> names = GrafanaDashboard.metricNames(q.promql());
            assertThat(names).as(q.where() + ": " + q.written()).isNotEmpty().allMatch(n -> n.startsWith("guard_"));
            named.addAll(names);
        }
        assertThat(named).containsAll(FAMILIES);
    }

    @Test
    void promtoolParsesEveryQuery(@TempDir Path tmp) throws IOException {
        List<GrafanaDashboard.Query> queries = GrafanaDashboard.queries();
        assertThat(queries).hasSizeGreaterThan(10);
        Promtool.Run run = checkRules(tmp, queries.stream().map(GrafanaDashboard.Query::promql).toList());
        assertThat(run.exitCode()).as("promtool check rules:%n%s", run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void theCheckRejectsAnExpressionPrometheusCannotParse(@TempDir Path tmp) throws IOException {
        Promtool.Run run = checkRules(tmp, List.of("sum by (target) (rate(guard_probes_total{target=~\".+\"}[1m])"));
        assertThat(run.exitCode()).as(run.output()).isNotZero();
    }

    @Test
    void readsMetricAndLabelNamesOutOfPromql() {
        assertThat(GrafanaDashboard.metricNames("histogram_quantile(0.95, sum by (le, target, stage) "
                + "(rate(guard_probe_duration_seconds_bucket{target=~\".+\", stage!=\"tls\"}[1m])))"))
                .containsExactly("guard_probe_duration_seconds_bucket");
        assertThat(GrafanaDashboard.metricNames("time() - max by (target) (guard_last_success_timestamp_seconds > 0) "
                + "/ on (target) group_left guard_up offset 5m or vector(1e3)"))
                .containsExactly("guard_last_success_timestamp_seconds", "guard_up");
        assertThat(GrafanaDashboard.matcherLabels("a{target=~\"x{y}\", state=\"open\"} + b{le!=\"+Inf\"}"))
                .containsExactly("target", "state", "le");
    }

    private static Promtool.Run checkRules(Path dir, List<String> expressions) throws IOException {
        StringBuilder yaml = new StringBuilder("groups:\n  - name: grafana-dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            // a YAML single-quoted scalar: PromQL's own quotes stay as they are, a ' is doubled
            yaml.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(expressions.get(i).replace("'", "''")).append("'\n");
        }
        Path rules = dir.resolve("dashboard-rules.yaml");
        Files.writeString(rules, yaml);
        return Promtool.run(dir, "check", "rules", rules.toString());
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }
}
