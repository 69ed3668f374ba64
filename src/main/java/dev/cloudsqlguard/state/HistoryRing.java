package dev.cloudsqlguard.state;

import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One target's latest probes and circuit transitions in arrays allocated once: a full ring overwrites its
 * oldest entry, so the memory it holds never grows (about 50 bytes a probe: no object per probe). Not
 * thread-safe: {@link ProbeHistory} serialises access.
 */
final class HistoryRing {

    private static final Stage[] STAGES = Stage.values();
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final Reason[] REASONS = Reason.values();
    /** A stage that did not run. */
    private static final int ABSENT = -1;

    private final int capacity;
    private final long[] sequence;
    private final long[] atMillis;
    private final int[] atNanos;
    private final byte[] outcome;
    private final byte[] stage;
    /** Reason ordinal + 1; 0 for none. */
    private final byte[] reason;
    private final int[] totalMicros;
    /** {@code capacity} rows of one column per stage, in microseconds, {@link #ABSENT} when it did not run. */
    private final int[] stageMicros;
    private int next;
    private int size;

    private final long[] transitionSequence;
    private final CircuitTransition[] transitions;
    private int nextTransition;
    private int transitionCount;

    HistoryRing(int probeCapacity, int transitionCapacity) {
        if (probeCapacity < 1 || transitionCapacity < 1) {
            throw new IllegalArgumentException("a history ring holds at least one probe and one transition");
        }
        this.capacity = probeCapacity;
        this.sequence = new long[probeCapacity];
        this.atMillis = new long[probeCapacity];
        this.atNanos = new int[probeCapacity];
        this.outcome = new byte[probeCapacity];
        this.stage = new byte[probeCapacity];
        this.reason = new byte[probeCapacity];
        this.totalMicros = new int[probeCapacity];
        this.stageMicros = new int[probeCapacity * STAGES.length];
        this.transitionSequence = new long[transitionCapacity];
        this.transitions = new CircuitTransition[transitionCapacity];
    }

    void add(long seq, ProbeResult r) {
        int i = next;
        sequence[i] = seq;
        atMillis[i] = r.at().toEpochMilli();
        atNanos[i] = r.at().getNano() % 1_000_000;
        outcome[i] = (byte) r.outcome().ordinal();
        stage[i] = (byte) r.stage().ordinal();
        reason[i] = (byte) (r.reason().map(Reason::ordinal).orElse(-1) + 1);
        totalMicros[i] = micros(r.total());
        for (Stage s : STAGES) {
            Duration d = r.latencies().get(s);
            stageMicros[i * STAGES.length + s.ordinal()] = d == null ? ABSENT : micros(d);
        }
        next = (next + 1) % capacity;
        size = Math.min(size + 1, capacity);
    }

    void add(long seq, CircuitTransition t) {
        transitionSequence[nextTransition] = seq;
        transitions[nextTransition] = t;
        nextTransition = (nextTransition + 1) % transitions.length;
        transitionCount = Math.min(transitionCount + 1, transitions.length);
    }

    /** The probes with a sequence above {@code after} that finished at or after {@code notBefore}, oldest first. */
    List<ProbeRecord> probes(long after, Instant notBefore) {
        List<ProbeRecord> out = new ArrayList<>();
        long floor = notBefore.toEpochMilli();
        for (int k = 0; k < size; k++) {
            int i = Math.floorMod(next - size + k, capacity);
            if (sequence[i] > after && atMillis[i] >= floor) {
                out.add(record(i));
            }
        }
        return out;
    }

    /** The transitions with a sequence above {@code after} that happened at or after {@code notBefore}, oldest first. */
    List<ProbeHistory.Marked> transitions(long after, Instant notBefore) {
        List<ProbeHistory.Marked> out = new ArrayList<>();
        int n = transitions.length;
        for (int k = 0; k < transitionCount; k++) {
            int i = Math.floorMod(nextTransition - transitionCount + k, n);
            if (transitionSequence[i] > after && !transitions[i].at().isBefore(notBefore)) {
                out.add(new ProbeHistory.Marked(transitionSequence[i], transitions[i]));
            }
        }
        return out;
    }

    int size() {
        return size;
    }

    /**
     * A copy holding only the probes and transitions with a sequence above {@code after} (sequences grow with
     * each entry): primitive array copies, cheap enough to make under the writers' lock.
     */
    HistoryRing newerThan(long after) {
        int probes = 0;
        while (probes < size && sequence[Math.floorMod(next - 1 - probes, capacity)] > after) {
            probes++;
        }
        int marks = 0;
        while (marks < transitionCount
                && transitionSequence[Math.floorMod(nextTransition - 1 - marks, transitions.length)] > after) {
            marks++;
        }
        HistoryRing copy = new HistoryRing(Math.max(1, probes), Math.max(1, marks));
        for (int k = probes; k > 0; k--) {
            int from = Math.floorMod(next - k, capacity);
            int to = copy.next;
            copy.sequence[to] = sequence[from];
            copy.atMillis[to] = atMillis[from];
            copy.atNanos[to] = atNanos[from];
            copy.outcome[to] = outcome[from];
            copy.stage[to] = stage[from];
            copy.reason[to] = reason[from];
            copy.totalMicros[to] = totalMicros[from];
            System.arraycopy(stageMicros, from * STAGES.length, copy.stageMicros, to * STAGES.length, STAGES.length);
            copy.next = (copy.next + 1) % copy.capacity;
            copy.size++;
        }
        for (int k = marks; k > 0; k--) {
            int from = Math.floorMod(nextTransition - k, transitions.length);
            copy.add(transitionSequence[from], transitions[from]);
        }
        return copy;
    }

    private ProbeRecord record(int i) {
        Map<Stage, Duration> stages = new EnumMap<>(Stage.class);
        for (Stage s : STAGES) {
            int us = stageMicros[i * STAGES.length + s.ordinal()];
            if (us != ABSENT) {
                stages.put(s, Duration.ofNanos(us * 1_000L));
            }
        }
        Optional<Reason> why = reason[i] == 0 ? Optional.empty() : Optional.of(REASONS[reason[i] - 1]);
        return new ProbeRecord(sequence[i], Instant.ofEpochMilli(atMillis[i]).plusNanos(atNanos[i]), OUTCOMES[outcome[i]],
                STAGES[stage[i]], why, Duration.ofNanos(totalMicros[i] * 1_000L), stages);
    }

    private static int micros(Duration d) {
        long us = d.toNanos() / 1_000;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, us));
    }
}
