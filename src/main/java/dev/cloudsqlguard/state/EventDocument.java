package dev.cloudsqlguard.state;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The events pushed to apps (SSE, webhooks): {@code started} when the gate opens and
 * {@code transition} on every circuit change. Same JSON on every channel; each carries the
 * state's sequence number so a reader can order events and discard ones older than a snapshot.
 */
public final class EventDocument {

    public static final String STARTED = "started";
    public static final String TRANSITION = "transition";

    private EventDocument() {
    }

    /** A typed event and its JSON body. */
    public record Event(String type, long sequence, ObjectNode body) {
    }

    public static List<Event> from(GuardUpdate update) {
        List<Event> out = new ArrayList<>();
        long sequence = update.state().sequence();
        boolean ready = update.state().ready();
        for (TargetEvent e : update.events()) {
            if (e instanceof TargetEvent.Started s) {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("type", STARTED);
                n.put("sequence", sequence);
                n.put("target", s.target());
                n.put("at", s.at().toString());
                n.put("latency_ms", s.result().total().toNanos() / 1_000_000.0);
                n.put("ready", ready);
                out.add(new Event(STARTED, sequence, n));
            } else if (e instanceof TargetEvent.Transitioned t) {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("type", TRANSITION);
                n.put("sequence", sequence);
                n.setAll(StatusDocument.transition(t.transition()));
                n.put("ready", ready);
                out.add(new Event(TRANSITION, sequence, n));
            }
        }
        return out;
    }
}
