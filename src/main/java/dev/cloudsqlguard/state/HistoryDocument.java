package dev.cloudsqlguard.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;

/**
 * Renders a {@link ProbeHistory.Reading} as the JSON of {@code /guard/history} (its shape is in the README):
 * per target the probes of the last 15 minutes, oldest first, each with its per-stage latencies, and the
 * circuit transitions, in the words of the status document. No secret: codes, times and figures only.
 */
public final class HistoryDocument {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private HistoryDocument() {
    }

    public static ObjectNode of(ProbeHistory.Reading reading, int probesPerTarget) {
        ObjectNode root = JSON.objectNode();
        root.put("sequence", reading.sequence());
        root.put("at", reading.at().toString());
        root.put("window_seconds", ProbeHistory.WINDOW.toSeconds());
        root.put("probes_per_target", probesPerTarget);
        ArrayNode targets = root.putArray("targets");
        for (ProbeHistory.TargetHistory t : reading.targets()) {
            ObjectNode n = targets.addObject();
            n.put("name", t.name());
            ArrayNode probes = n.putArray("probes");
            t.probes().forEach(p -> probes.add(probe(p)));
            ArrayNode transitions = n.putArray("transitions");
            for (ProbeHistory.Marked m : t.transitions()) {
                ObjectNode tr = transitions.addObject();
                tr.put("sequence", m.sequence());
                tr.setAll(StatusDocument.transition(m.transition()));
            }
        }
        return root;
    }

    static ObjectNode probe(ProbeRecord p) {
        ObjectNode n = JSON.objectNode();
        n.put("sequence", p.sequence());
        n.put("at", p.at().toString());
        n.put("outcome", p.outcome().code());
        n.put("stage", p.stage().code());
        n.put("reason", p.reason().map(Reason::code).orElse("none"));
        n.put("latency_ms", StatusDocument.millis(p.total()));
        ObjectNode stages = n.putObject("stages_ms");
        for (Stage s : Stage.values()) {
            Duration d = p.stages().get(s);
            if (d != null) {
                stages.put(s.code(), StatusDocument.millis(d));
            }
        }
        return n;
    }
}
