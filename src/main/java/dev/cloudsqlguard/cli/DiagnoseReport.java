package dev.cloudsqlguard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.TlsSession;
import dev.cloudsqlguard.state.StatusDocument;
import dev.cloudsqlguard.state.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One target's diagnosis, from the walks {@code diagnose} ran: per-stage latencies, what the server
 * said about itself, the verdict and its evidence, as text lines or as JSON. Pure: the command runs
 * the probes and resolves names; this only reads their results. Never shows a secret (the user's
 * name is shown, its password never).
 *
 * @param target  the target diagnosed
 * @param results its probes, in order
 * @param dns     the addresses its host resolves to (TCP targets; empty for a socket)
 * @param verdict the verdict after the probes
 */
record DiagnoseReport(TargetSettings target, List<ProbeResult> results, List<String> dns, Verdict verdict) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** pg_isready's exit code for this target: its last probe decides. */
    int exitCode() {
        return WaitVerdict.exitCode(results.isEmpty() ? Optional.empty() : Optional.of(results.get(results.size() - 1)));
    }

    /** Per stage that ran, its latencies sorted (only probes that passed or failed there count). */
    Map<Stage, double[]> stageMillis() {
        Map<Stage, List<Double>> all = new EnumMap<>(Stage.class);
        for (ProbeResult r : results) {
            r.latencies().forEach((stage, d) -> all.computeIfAbsent(stage, s -> new ArrayList<>()).add(d.toNanos() / 1e6));
        }
        Map<Stage, double[]> sorted = new EnumMap<>(Stage.class);
        all.forEach((stage, list) -> sorted.put(stage, list.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return sorted;
    }

    Optional<TlsSession> tls() {
        return latest(r -> r.tls());
    }

    Optional<ServerReading> reading() {
        return latest(r -> r.reading());
    }

    Optional<String> authentication() {
        return latest(r -> r.authentication());
    }

    private <T> Optional<T> latest(java.util.function.Function<ProbeResult, Optional<T>> what) {
        for (int i = results.size() - 1; i >= 0; i--) {
            Optional<T> found = what.apply(results.get(i));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("target " + target.name() + ": " + target.endpoint().describe() + " (database " + target.database()
                + ", " + target.user().map(u -> "user " + u).orElse("no user: handshake only") + ")");
        if (!dns.isEmpty()) {
            out.add("  dns: " + String.join(", ", dns));
        }
        Map<Outcome, Long> outcomes = results.stream().collect(Collectors.groupingBy(ProbeResult::outcome,
                () -> new EnumMap<>(Outcome.class), Collectors.counting()));
        out.add("  probes: " + results.size() + " walks of a new connection: " + outcomes.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().code()).collect(Collectors.joining(", ")));
        out.add(String.format(Locale.ROOT, "  %-10s %9s %9s %9s", "stage (ms)", "min", "median", "max"));
        stageMillis().forEach((stage, ms) -> out.add(String.format(Locale.ROOT, "  %-10s %9.2f %9.2f %9.2f",
                stage.code(), ms[0], median(ms), ms[ms.length - 1])));
        tls().ifPresent(t -> out.add("  tls: " + t.protocol() + " " + t.cipher() + ", server certificate expires "
                + t.certificateExpiry() + (t.verified().isEmpty() ? "" : ", verified: " + t.verified())));
        authentication().ifPresent(a -> out.add("  authentication: the server asks for " + a));
        reading().ifPresent(r -> {
            out.add("  server: PostgreSQL " + r.serverVersion() + (r.inRecovery() ? ", in recovery (a replica)"
                    : ", not in recovery (a primary)") + (r.readOnly() ? ", read-only" : ""));
            out.add("  connections: " + r.connectionsUsed() + " of " + r.connectionsLimit() + " usable in use, "
                    + r.freeConnections() + " free");
            r.replicationLag().ifPresent(l -> out.add(String.format(Locale.ROOT, "  replication lag: %.1f s",
                    l.toMillis() / 1000.0)));
        });
        out.add("  verdict: " + verdict.layer().code() + ": " + verdict.summary());
        out.add("  check: " + verdict.hint());
        out.add("  evidence:");
        for (int i = 0; i < results.size(); i++) {
            ProbeResult r = results.get(i);
            out.add(String.format(Locale.ROOT, "    #%d %s at stage %s%s%s in %.1f ms (%s)%s", i + 1, r.outcome().code(),
                    r.stage().code(), r.reason().map(x -> ": " + x.code()).orElse(""),
                    r.sqlState().map(s -> " [SQLSTATE " + s + "]").orElse(""), r.total().toNanos() / 1e6,
                    r.latencies().entrySet().stream().map(e -> e.getKey().code() + " " + ms(e.getValue()))
                            .collect(Collectors.joining(", ")),
                    r.detail().isEmpty() ? "" : ": " + r.detail()));
        }
        out.add("  exit code " + exitCode() + " (" + WaitVerdict.describe(exitCode()) + ")");
        return out;
    }

    ObjectNode json() {
        ObjectNode n = JSON.objectNode();
        n.put("name", target.name());
        n.put("endpoint", target.endpoint().describe());
        n.put("database", target.database());
        target.user().ifPresentOrElse(u -> n.put("user", u), () -> n.putNull("user"));
        ArrayNode addresses = n.putArray("dns");
        dns.forEach(addresses::add);
        ObjectNode stages = n.putObject("stages_ms");
        stageMillis().forEach((stage, ms) -> {
            ObjectNode s = stages.putObject(stage.code());
            s.put("min", round(ms[0]));
            s.put("median", round(median(ms)));
            s.put("max", round(ms[ms.length - 1]));
        });
        tls().ifPresentOrElse(t -> n.set("tls", StatusDocument.tls(t)), () -> n.putNull("tls"));
        authentication().ifPresentOrElse(a -> n.put("authentication", a), () -> n.putNull("authentication"));
        reading().ifPresentOrElse(r -> {
            n.put("server_version", r.serverVersion());
            n.put("in_recovery", r.inRecovery());
            ObjectNode c = n.putObject("connections");
            c.put("used", r.connectionsUsed());
            c.put("limit", r.connectionsLimit());
            c.put("free", r.freeConnections());
            r.replicationLag().ifPresentOrElse(l -> n.put("replication_lag_seconds", l.toMillis() / 1000.0),
                    () -> n.putNull("replication_lag_seconds"));
        }, () -> Arrays.asList("server_version", "in_recovery", "connections", "replication_lag_seconds")
                .forEach(n::putNull));
        n.set("verdict", StatusDocument.verdict(verdict));
        ArrayNode probes = n.putArray("probes");
        results.forEach(r -> probes.add(StatusDocument.probe(r)));
        n.put("exit_code", exitCode());
        return n;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    private static String ms(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }
}
