package dev.cloudsqlguard.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The Prometheus alert rules in {@code k8s/prometheus}: promtool must accept both rule files and pass
 * the unit tests of {@code guard-rules.test.yaml}, and the PrometheusRule wrapper must carry exactly the
 * groups of the plain rule file.
 *
 * <p>Needs {@code promtool} (Debian package {@code prometheus}); without it the test fails, it never
 * skips. {@code PROMTOOL} (environment) or {@code -Dpromtool=} name another binary.
 */
class AlertRulesTest {

    private static final Path DIR = projectDir().resolve("k8s/prometheus");
    private static final Path RULES = DIR.resolve("guard-rules.yaml");
    private static final Path WRAPPER = DIR.resolve("guard-prometheusrule.yaml");
    private static final Path UNIT_TESTS = DIR.resolve("guard-rules.test.yaml");

    private static final Set<String> ALERTS = Set.of(
            "CloudSqlGuardCircuitOpen",
            "CloudSqlGuardNeverStarted",
            "CloudSqlGuardProbesFailing",
            "CloudSqlGuardSlowHandshake",
            "CloudSqlGuardTlsCertificateExpiring",
            "CloudSqlGuardConnectionHeadroomLow",
            "CloudSqlGuardMisconfigured");

    @Test
    void promtoolAcceptsThePlainRuleFile() {
        promtool(DIR, "check", "rules", "--lint=all", "--lint-fatal", RULES.toString());
    }

    @Test
    void promtoolAcceptsTheGroupsOfThePrometheusRule(@TempDir Path tmp) throws IOException {
        Path spec = tmp.resolve("guard-prometheusrule.spec.yaml");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        String yaml = new Yaml(new Representer(options), options).dump(Map.of("groups", wrapperGroups()));
        Files.writeString(spec, yaml, StandardCharsets.UTF_8);

        promtool(DIR, "check", "rules", "--lint=all", "--lint-fatal", spec.toString());
    }

    @Test
    void promtoolUnitTestsPass() {
        // run from the rules' directory: the test file names its rule_files relative to itself
        promtool(DIR, "test", "rules", UNIT_TESTS.getFileName().toString());
    }

    @Test
    void prometheusRuleCarriesTheSameGroupsAsThePlainFile() {
        Map<String, Object> wrapper = load(WRAPPER);
        assertThat(wrapper.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(wrapper.get("kind")).isEqualTo("PrometheusRule");
        assertThat(map(wrapper.get("metadata"), "metadata").get("name")).isEqualTo("cloudsql-guard");

        List<String> differences = new ArrayList<>();
        diff("groups", plainGroups(), wrapperGroups(), differences);
        assertThat(differences)
                .as("%s spec.groups must be identical to the groups of %s; differences:%n  %s",
                        WRAPPER.getFileName(), RULES.getFileName(), String.join("\n  ", differences))
                .isEmpty();
    }

    @Test
    void everyAlertIsLabelledAnnotatedAndTestedFiringAndNotFiring() {
        List<?> groups = plainGroups();
        assertThat(groups).hasSize(1);
        Map<String, Object> group = map(groups.get(0), "group");
        assertThat(group.get("name")).isEqualTo("cloudsql-guard");

        Set<String> alerts = new LinkedHashSet<>();
        for (Object r : list(group.get("rules"), "rules")) {
            Map<String, Object> rule = map(r, "rule");
            String alert = String.valueOf(rule.get("alert"));
            alerts.add(alert);
            Map<String, Object> labels = map(rule.get("labels"), alert + ".labels");
            assertThat(labels.get("severity")).as(alert + " severity").isIn("warning", "critical");
            if (alert.equals("CloudSqlGuardMisconfigured")) {
                assertThat(labels.get("severity")).as(alert + " severity").isEqualTo("critical");
            }
            Map<String, Object> annotations = map(rule.get("annotations"), alert + ".annotations");
            assertThat(String.valueOf(annotations.get("summary"))).as(alert + " summary").contains("{{ $labels.");
            assertThat(String.valueOf(annotations.get("description")))
                    .as(alert + " description").contains("{{ $labels.", "Runbook:");
        }
        assertThat(alerts).containsExactlyInAnyOrderElementsOf(ALERTS);

        Set<String> firing = new LinkedHashSet<>();
        Set<String> notFiring = new LinkedHashSet<>();
        Map<String, Object> unitTests = load(UNIT_TESTS);
        assertThat(list(unitTests.get("rule_files"), "rule_files")).containsExactly(RULES.getFileName().toString());
        for (Object t : list(unitTests.get("tests"), "tests")) {
            Object alertTests = map(t, "test").get("alert_rule_test");
            if (alertTests == null) {
                continue;
            }
            for (Object a : list(alertTests, "alert_rule_test")) {
                Map<String, Object> alertTest = map(a, "alert_rule_test");
                Object expected = alertTest.get("exp_alerts");
                String alert = String.valueOf(alertTest.get("alertname"));
                (expected == null || ((List<?>) expected).isEmpty() ? notFiring : firing).add(alert);
            }
        }
        assertThat(firing).as("alerts with a firing case in " + UNIT_TESTS.getFileName())
                .containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(notFiring).as("alerts with a not-firing case in " + UNIT_TESTS.getFileName())
                .containsExactlyInAnyOrderElementsOf(ALERTS);
    }

    // ----------------------------------------------------------------- promtool

    private static void promtool(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(promtoolBinary());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not finish within 120 s; output so far:%n%s", String.join(" ", command),
                        output.getNow("(none)"));
            }
            int exit = process.exitValue();
            String text = output.get(10, TimeUnit.SECONDS);
            assertThat(exit)
                    .as("`%s` (in %s) exited with %d; promtool output:%n%s", String.join(" ", command), workDir, exit, text)
                    .isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running " + command, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read the output of " + command, e);
        }
    }

    private static String promtoolBinary() {
        String configured = System.getProperty("promtool", System.getenv("PROMTOOL"));
        if (configured != null && !configured.isBlank()) {
            if (!Files.isExecutable(Path.of(configured))) {
                fail("promtool configured as %s (PROMTOOL / -Dpromtool) is not an executable file", configured);
            }
            return configured;
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "promtool");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("promtool not found on PATH (" + path + "). It is needed to check the Prometheus "
                + "alert rules in k8s/prometheus: install the Debian package `prometheus` "
                + "(DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus), "
                + "or point PROMTOOL / -Dpromtool at a promtool binary.");
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read promtool output: " + e + ")";
        }
    }

    // --------------------------------------------------------------------- YAML

    private static List<?> plainGroups() {
        return list(load(RULES).get("groups"), RULES.getFileName() + " groups");
    }

    private static List<?> wrapperGroups() {
        Map<String, Object> spec = map(load(WRAPPER).get("spec"), WRAPPER.getFileName() + " spec");
        return list(spec.get("groups"), WRAPPER.getFileName() + " spec.groups");
    }

    private static Map<String, Object> load(Path file) {
        assertThat(file).as("rule file").isRegularFile();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return map(document, file.toString());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as(what + " must be a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String what) {
        assertThat(node).as(what + " must be a sequence").isInstanceOf(List.class);
        return (List<Object>) node;
    }

    /** Collects the paths where {@code plain} and {@code wrapper} differ. */
    private static void diff(String path, Object plain, Object wrapper, List<String> out) {
        if (plain instanceof Map<?, ?> p && wrapper instanceof Map<?, ?> w) {
            Set<Object> keys = new LinkedHashSet<>(p.keySet());
            keys.addAll(w.keySet());
            for (Object key : keys) {
                String child = path + "." + key;
                if (!p.containsKey(key)) {
                    out.add(child + ": only in the PrometheusRule");
                } else if (!w.containsKey(key)) {
                    out.add(child + ": only in the plain rule file");
                } else {
                    diff(child, p.get(key), w.get(key), out);
                }
            }
        } else if (plain instanceof List<?> p && wrapper instanceof List<?> w) {
            for (int i = 0; i < Math.max(p.size(), w.size()); i++) {
                String child = path + "[" + i + "]" + ruleName(i < p.size() ? p.get(i) : w.get(i));
                if (i >= p.size()) {
                    out.add(child + ": only in the PrometheusRule");
                } else if (i >= w.size()) {
                    out.add(child + ": only in the plain rule file");
                } else {
                    diff(child, p.get(i), w.get(i), out);
                }
            }
        } else if (!Objects.equals(plain, wrapper)) {
            out.add(path + ": plain rule file has <" + plain + ">, PrometheusRule has <" + wrapper + ">");
        }
    }

    private static String ruleName(Object node) {
        if (node instanceof Map<?, ?> m) {
            Object name = m.containsKey("alert") ? m.get("alert") : m.containsKey("record") ? m.get("record") : m.get("name");
            return name == null ? "" : "(" + name + ")";
        }
        return "";
    }

    private static Path projectDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
    }
}
