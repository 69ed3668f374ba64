package dev.cloudsqlguard.state;

import dev.cloudsqlguard.circuit.CircuitTransition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@link #WINDOW} of every target's probes and circuit transitions, for the timeline of the
 * status page and {@code /guard/history}. Bounded: one {@link HistoryRing} per configured target, allocated
 * once with room for {@link #PROBES_PER_TARGET} probes (15 minutes at the 250 ms recheck pace, twice the
 * default 500 ms interval; about 180 KB a target) and {@link #TRANSITIONS_PER_TARGET} transitions; a full
 * ring overwrites its oldest entries, so nothing grows over days. A reader copies the entries it asks for under
 * the lock (primitive arrays) and builds its records outside it: a request holds up a probe's write for no
 * longer than that copy.
 */
public final class ProbeHistory {

    /** How far back the history answers. */
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** Probes kept per target: {@link #WINDOW} at 250 ms (guard.circuit.recheck-interval's default). */
    public static final int PROBES_PER_TARGET = 3600;
    /** Transitions kept per target (a flapping circuit makes about two every open wait). */
    public static final int TRANSITIONS_PER_TARGET = 256;

    /** A transition and the sequence number of the update that carried it. */
    public record Marked(long sequence, CircuitTransition transition) {
    }

    /** One target's part of a reading. */
    public record TargetHistory(String name, List<ProbeRecord> probes, List<Marked> transitions) {
    }

    /**
     * What a reader gets.
     *
     * @param sequence the latest sequence recorded (pass it back as {@code after} to get only what is newer)
     * @param at       when it was read
     * @param targets  per target, in configuration order
     */
    public record Reading(long sequence, Instant at, List<TargetHistory> targets) {
    }

    private final Clock clock;
    private final int probesPerTarget;
    private final Map<String, HistoryRing> rings = new LinkedHashMap<>();
    private long sequence;

    /** A history of the given targets with the default bounds. */
    public ProbeHistory(Collection<String> targets, Clock clock) {
        this(targets, clock, PROBES_PER_TARGET, TRANSITIONS_PER_TARGET);
    }

    public ProbeHistory(Collection<String> targets, Clock clock, int probesPerTarget, int transitionsPerTarget) {
        this.clock = clock;
        this.probesPerTarget = probesPerTarget;
        for (String target : targets) {
            rings.put(target, new HistoryRing(probesPerTarget, transitionsPerTarget));
        }
    }

    /** Keeps the update's probe and transitions (of a configured target; others are ignored). */
    public synchronized void record(GuardUpdate update) {
        long seq = update.state().sequence();
        update.probe().ifPresent(p -> {
            HistoryRing ring = rings.get(p.target());
            if (ring != null) {
                ring.add(seq, p);
                sequence = Math.max(sequence, seq);
            }
        });
        for (TargetEvent e : update.events()) {
            if (e instanceof TargetEvent.Transitioned t && rings.containsKey(t.target())) {
                rings.get(t.target()).add(seq, t.transition());
                sequence = Math.max(sequence, seq);
            }
        }
    }

    /** Everything of the last {@link #WINDOW} recorded after sequence {@code after} (0 for all of it). */
    public Reading since(long after) {
        Map<String, HistoryRing> copies = new LinkedHashMap<>();
        long latest;
        synchronized (this) {
            rings.forEach((name, ring) -> copies.put(name, ring.newerThan(after)));
            latest = sequence;
        }
        Instant now = clock.instant();
        Instant notBefore = now.minus(WINDOW);
        List<TargetHistory> targets = new ArrayList<>(copies.size());
        copies.forEach((name, ring) -> targets.add(new TargetHistory(name, ring.probes(after, notBefore),
                ring.transitions(after, notBefore))));
        return new Reading(latest, now, targets);
    }

    public int probesPerTarget() {
        return probesPerTarget;
    }
}
