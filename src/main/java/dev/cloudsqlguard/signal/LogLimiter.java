package dev.cloudsqlguard.signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How many log lines get through, so that neither a client nor a flapping database can make the guard
 * log more than a bounded number of lines a minute:
 * <ul>
 * <li><b>Identical lines</b> (the caller's key: same level, logger, message pattern and values, numbers
 * aside) at most once a minute. The repeats are counted; when the minute of the line ends, the last
 * repeat is logged once with the count ({@link #due}), and that starts the next minute. A line that
 * comes after its minute ended with repeats not yet reported carries the count itself.
 * <li><b>All lines</b> at most {@link #MAX_LINES} a minute (fixed minutes). Beyond that, lines are
 * dropped and counted, and one line tells how many when the minute ends ({@link #overLimitDue}).
 * </ul>
 * What must never be held back (circuit transitions) does not come here: the caller exempts it.
 * Plain Java with an injected clock (nanoseconds); thread-safe. Memory is bounded: a key is kept only
 * while its minute runs or it has repeats to report, and at most {@link #MAX_LINES} keys start a minute.
 *
 * @param <R> what the caller logs again with the count (its log record)
 */
public final class LogLimiter<R> {

    /** A line to log once more, with how many identical lines were not logged since it was last. */
    public record Repeat<R>(R last, long count) {
    }

    public static final long MINUTE_NANOS = 60_000_000_000L;
    /** Lines logged first-hand in a minute, all keys together. */
    public static final int MAX_LINES = 60;

    /** Every line held back by any limiter in this process (for {@code guard_log_lines_suppressed_total}). */
    private static final AtomicLong HELD_BACK = new AtomicLong();

    private static final class Line<R> {
        long since;
        long repeats;
        R last;
    }

    private final LongSupplier clock;
    private final Map<String, Line<R>> lines = new HashMap<>();
    /** Set by the first line, not at construction: a native executable may construct this at build time. */
    private boolean started;
    private long minuteStart;
    private int logged;
    private long overLimit;
    private long overLimitReported;

    public LogLimiter(LongSupplier clock) {
        this.clock = clock;
    }

    /** Lines held back so far by every limiter of the process. */
    public static long heldBack() {
        return HELD_BACK.get();
    }

    /**
     * Whether a line with this key is logged now: {@code -1} if not (it is counted, and {@code record}
     * kept to be logged with the count), else the number of identical lines not logged before it
     * (usually 0) for the caller to add to the line.
     */
    public synchronized long admit(String key, R record) {
        long now = clock.getAsLong();
        rollMinute(now);
        Line<R> line = lines.get(key);
        if (line != null && now - line.since < MINUTE_NANOS) {
            line.repeats++;
            line.last = record;
            HELD_BACK.incrementAndGet();
            return -1;
        }
        if (logged >= MAX_LINES) {
            overLimit++;
            HELD_BACK.incrementAndGet();
            return -1;
        }
        logged++;
        long repeats = line == null ? 0 : line.repeats;
        if (line == null) {
            if (lines.size() >= 2 * MAX_LINES) {
                lines.values().removeIf(l -> l.repeats == 0 && now - l.since >= MINUTE_NANOS);
            }
            line = new Line<>();
            lines.put(key, line);
        }
        line.since = now;
        line.repeats = 0;
        line.last = null;
        return repeats;
    }

    /**
     * The lines whose minute ended with repeats: each is logged once more with its count, which starts
     * its next minute. Lines whose minute ended without repeats are forgotten.
     */
    public synchronized List<Repeat<R>> due() {
        long now = clock.getAsLong();
        rollMinute(now);
        List<Repeat<R>> due = new ArrayList<>();
        for (Iterator<Line<R>> it = lines.values().iterator(); it.hasNext();) {
            Line<R> line = it.next();
            if (now - line.since < MINUTE_NANOS) {
                continue;
            }
            if (line.repeats == 0) {
                it.remove();
            } else {
                due.add(new Repeat<>(line.last, line.repeats));
                line.since = now;
                line.repeats = 0;
                line.last = null;
            }
        }
        return due;
    }

    /** Lines dropped over {@link #MAX_LINES} in minutes that have ended and not yet been reported (0 if none). */
    public synchronized long overLimitDue() {
        rollMinute(clock.getAsLong());
        long due = overLimitReported;
        overLimitReported = 0;
        return due;
    }

    /** Whether anything is waiting to be reported by {@link #due} or {@link #overLimitDue}. */
    public synchronized boolean pending() {
        return overLimit > 0 || overLimitReported > 0 || lines.values().stream().anyMatch(l -> l.repeats > 0);
    }

    private void rollMinute(long now) {
        if (!started) {
            started = true;
            minuteStart = now;
        } else if (now - minuteStart >= MINUTE_NANOS) {
            minuteStart = now;
            logged = 0;
            overLimitReported += overLimit;
            overLimit = 0;
        }
    }
}
