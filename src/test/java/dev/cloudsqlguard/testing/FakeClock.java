package dev.cloudsqlguard.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A mutable clock for tests: time stands still until the test moves it. It also offers a
 * {@link #nanoTime()} source that moves with it, starting from an arbitrary (negative) origin like
 * {@link System#nanoTime()} may, so that code under test can only use differences.
 */
public final class FakeClock extends Clock {

    /** A fixed, recognisable start: 2030-01-02T03:04:05Z. */
    public static final Instant START = Instant.parse("2030-01-02T03:04:05Z");

    private final ZoneId zone;
    private Instant now;
    private long nanos;

    public FakeClock() {
        this(START);
    }

    public FakeClock(Instant start) {
        this(start, ZoneOffset.UTC, -7_000_000_000L);
    }

    private FakeClock(Instant start, ZoneId zone, long nanos) {
        this.now = start;
        this.zone = zone;
        this.nanos = nanos;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(this.zone) ? this : new FakeClock(now, zone, nanos);
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Moves the wall clock and the nano source forward. */
    public FakeClock advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
        return this;
    }

    public FakeClock advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /** The nano source, moving with {@link #advance}. */
    public LongSupplier nanoTime() {
        return () -> nanos;
    }

    /** Time elapsed since the given instant. */
    public Duration since(Instant origin) {
        return Duration.between(origin, now);
    }
}
