package dev.cloudsqlguard.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.circuit.CircuitView;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.TlsSession;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Renders the published state as JSON: the {@code /guard/status} document, the state file and
 * the payload of SSE events and webhooks all come from here, so every channel says the same
 * thing in the same words. Built with Jackson's tree model: no reflection, native-friendly.
 * Contains no secret: only names, endpoints (socket paths, host:port), codes and figures.
 */
public final class StatusDocument {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private StatusDocument() {
    }

    public static ObjectNode of(GuardState state) {
        ObjectNode root = JSON.objectNode();
        root.put("started", state.started());
        root.put("ready", state.ready());
        root.put("booted_at", state.bootedAt().toString());
        root.put("last_tick", state.heartbeat().toString());
        root.put("sequence", state.sequence());
        ArrayNode targets = root.putArray("targets");
        for (TargetState t : state.targets().values()) {
            targets.add(target(t));
        }
        return root;
    }

    public static ObjectNode target(TargetState t) {
        ObjectNode n = JSON.objectNode();
        n.put("name", t.name());
        n.put("endpoint", t.endpoint());
        n.put("required", t.required());
        n.put("started", t.started());
        putInstant(n, "started_at", t.startedAt().orElse(null));
        n.put("ready", t.ready());
        n.set("circuit", circuit(t.circuit()));
        putInstant(n, "last_success", t.lastSuccess().orElse(null));
        n.put("consecutive_failures", t.consecutiveFailures());
        if (t.reason().isPresent()) {
            n.put("reason", t.reason().get().code());
            putInstant(n, "reason_since", t.reasonSince().orElse(null));
            n.put("explanation", t.reason().get().explanation());
            n.put("misconfigured", t.misconfigured());
            t.reason().get().action().ifPresent(action -> n.put("action", action));
        } else {
            n.putNull("reason");
            n.put("misconfigured", false);
        }
        Verdicts.of(t).ifPresentOrElse(v -> n.set("verdict", verdict(v)), () -> n.putNull("verdict"));
        t.tls().ifPresentOrElse(s -> n.set("tls", tls(s)), () -> n.putNull("tls"));
        t.reading().ifPresentOrElse(r -> server(n, r, t.headroomLow()), () -> {
            n.putNull("connections");
            n.putNull("in_recovery");
            n.putNull("server_version");
            n.putNull("replication_lag_seconds");
        });
        t.lastResult().ifPresentOrElse(r -> n.set("last_probe", probe(r)), () -> n.putNull("last_probe"));
        t.lastWalk().ifPresentOrElse(r -> n.set("last_walk", probe(r)), () -> n.putNull("last_walk"));
        ObjectNode counters = n.putObject("counters");
        counters.put("probes", t.probes());
        counters.put("failures", t.failures());
        counters.put("skipped_while_open", t.skipped());
        return n;
    }

    public static ObjectNode probe(ProbeResult r) {
        ObjectNode n = JSON.objectNode();
        n.put("outcome", r.outcome().code());
        n.put("stage", r.stage().code());
        n.put("reason", r.reasonCode());
        r.sqlState().ifPresentOrElse(s -> n.put("sqlstate", s), () -> n.putNull("sqlstate"));
        n.put("detail", r.detail());
        n.put("latency_ms", millis(r.total()));
        ObjectNode stages = n.putObject("stages_ms");
        for (Map.Entry<Stage, Duration> e : r.latencies().entrySet()) {
            stages.put(e.getKey().code(), millis(e.getValue()));
        }
        n.put("at", r.at().toString());
        return n;
    }

    /** The latest server reading: connections and their headroom, recovery, a replica's lag. */
    private static void server(ObjectNode n, TargetState.Reading reading, boolean headroomLow) {
        ServerReading r = reading.figures();
        ObjectNode c = n.putObject("connections");
        c.put("used", r.connectionsUsed());
        c.put("limit", r.connectionsLimit());
        c.put("free", r.freeConnections());
        c.put("headroom_low", headroomLow);
        c.put("at", reading.at().toString());
        n.put("in_recovery", r.inRecovery());
        n.put("server_version", r.serverVersion());
        r.replicationLag().ifPresentOrElse(lag -> n.put("replication_lag_seconds", millis(lag) / 1000.0),
                () -> n.putNull("replication_lag_seconds"));
    }

    public static ObjectNode verdict(Verdict v) {
        ObjectNode n = JSON.objectNode();
        n.put("layer", v.layer().code());
        n.put("summary", v.summary());
        n.put("hint", v.hint());
        return n;
    }

    public static ObjectNode tls(TlsSession s) {
        ObjectNode n = JSON.objectNode();
        n.put("protocol", s.protocol());
        n.put("cipher", s.cipher());
        n.put("certificate_expires_at", s.certificateExpiry().toString());
        n.put("verified", s.verified());
        return n;
    }

    public static ObjectNode circuit(CircuitView c) {
        ObjectNode n = JSON.objectNode();
        n.put("state", c.state().code());
        n.put("since", c.since().toString());
        n.put("why", c.why());
        putRate(n, "failure_rate", c.failureRate());
        putRate(n, "slow_rate", c.slowRate());
        n.put("window_probes", c.windowProbes());
        return n;
    }

    public static ObjectNode transition(CircuitTransition t) {
        ObjectNode n = JSON.objectNode();
        n.put("target", t.target());
        n.put("from", t.from().code());
        n.put("to", t.to().code());
        n.put("at", t.at().toString());
        n.put("reason", t.reason());
        n.put("why", t.why());
        putRate(n, "failure_rate", t.failureRate());
        putRate(n, "slow_rate", t.slowRate());
        return n;
    }

    private static void putRate(ObjectNode n, String key, float rate) {
        if (rate < 0) {
            n.putNull(key); // fewer probes in the window than the minimum: no rate yet
        } else {
            n.put(key, Math.round(rate * 10) / 10.0);
        }
    }

    private static void putInstant(ObjectNode n, String key, Instant at) {
        if (at == null) {
            n.putNull(key);
        } else {
            n.put(key, at.toString());
        }
    }

    /** Milliseconds with microsecond resolution: socket stages take well under a millisecond. */
    static double millis(Duration d) {
        return Math.round(d.toNanos() / 1_000.0) / 1_000.0;
    }
}
