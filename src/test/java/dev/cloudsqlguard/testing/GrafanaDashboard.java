package dev.cloudsqlguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of {@code k8s/grafana/cloudsql-guard.json}: every panel query and annotation, with Grafana's
 * variables replaced by values Prometheus accepts, and the metric names and label names each one selects.
 */
public final class GrafanaDashboard {

    public static final Path FILE = projectDir().resolve("k8s/grafana/cloudsql-guard.json");

    /** Grafana's variables and the values a check substitutes for them. */
    public static final Map<String, String> VARIABLES = Map.of(
            "${datasource}", "prometheus", "$__rate_interval", "1m", "$__interval", "30s", "$__range", "1h",
            "$target", ".+");

    /** One query of the dashboard: where it is, its text as written, and as Prometheus gets it. */
    public record Query(String where, String written, String promql) {
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*+)(?!\\s*\\()");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "Inf", "NaN");

    private GrafanaDashboard() {
    }

    public static JsonNode json() {
        try {
            return new ObjectMapper().readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    /** Every panel query (rows included) and every annotation query with an expression. */
    public static List<Query> queries() {
        JsonNode dashboard = json();
        List<Query> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            if (a.hasNonNull("expr")) {
                out.add(query("annotation '" + a.path("name").asText() + "'", a.get("expr").asText()));
            }
        }
        return out;
    }

    private static void collect(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                out.add(query("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(),
                        t.path("expr").asText("")));
            }
            collect(p.path("panels"), out);
        }
    }

    private static Query query(String where, String written) {
        String promql = written;
        for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
            promql = promql.replace(v.getKey(), v.getValue());
        }
        return new Query(where, written, promql);
    }

    /** The metric names a PromQL expression selects (every identifier that is not a function, keyword or label). */
    public static Set<String> metricNames(String promql) {
        String s = STRING.matcher(promql).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll("{}");
        s = RANGE.matcher(s).replaceAll("");
        s = GROUPING.matcher(s).replaceAll(" "); // an aggregation is then followed by its "("
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (!KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The label names used in the matchers of a PromQL expression. */
    public static Set<String> matcherLabels(String promql) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher braces = MATCHERS.matcher(STRING.matcher(promql).replaceAll("\"\""));
        while (braces.find()) {
            Matcher m = LABEL_NAME.matcher(braces.group(1));
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        return labels;
    }

    private static Path projectDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
    }
}
