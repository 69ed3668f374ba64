package dev.cloudsqlguard.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most one identical line a minute (the repeats reported with their count), at most MAX_LINES lines a minute. */
class LogLimiterTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final LogLimiter<String> limiter = new LogLimiter<>(now::get);

    private void advance(long seconds) {
        now.addAndGet(seconds * SECOND);
    }

    @Test
    void anIdenticalLineIsLoggedOnceAMinuteAndItsRepeatsOnceWithTheirCount() {
        assertThat(limiter.admit("refused", "r0")).isZero();
        for (int i = 1; i <= 5; i++) {
            advance(5);
            assertThat(limiter.admit("refused", "r" + i)).as("repeat %d within the minute", i).isEqualTo(-1);
        }
        assertThat(limiter.due()).as("the minute has not ended").isEmpty();
        assertThat(limiter.pending()).isTrue();
        advance(35); // 60 s after the first line
        List<LogLimiter.Repeat<String>> due = limiter.due();
        assertThat(due).containsExactly(new LogLimiter.Repeat<>("r5", 5));
        assertThat(limiter.due()).as("reported once").isEmpty();
        advance(10);
        assertThat(limiter.admit("refused", "r6")).as("the report started the next minute").isEqualTo(-1);
    }

    @Test
    void aLineAfterItsMinuteCarriesTheCountNotYetReported() {
        limiter.admit("refused", "r0");
        advance(1);
        limiter.admit("refused", "r1");
        limiter.admit("refused", "r2");
        advance(60);
        assertThat(limiter.admit("refused", "r3")).isEqualTo(2);
        assertThat(limiter.due()).isEmpty();
        assertThat(limiter.pending()).isFalse();
    }

    @Test
    void differentLinesDoNotHoldEachOtherBack() {
        assertThat(limiter.admit("main refused", "a")).isZero();
        assertThat(limiter.admit("replica refused", "b")).isZero();
        assertThat(limiter.admit("main starting", "c")).isZero();
        assertThat(limiter.admit("main refused", "d")).isEqualTo(-1);
    }

    @Test
    void noMoreThanMaxLinesAMinuteAndOneLineSaysHowManyWereDropped() {
        for (int i = 0; i < LogLimiter.MAX_LINES; i++) {
            assertThat(limiter.admit("line " + i, "x")).isZero();
        }
        long heldBefore = LogLimiter.heldBack();
        for (int i = 0; i < 500; i++) {
            assertThat(limiter.admit("flood " + i, "x")).isEqualTo(-1);
        }
        assertThat(LogLimiter.heldBack() - heldBefore).isEqualTo(500);
        assertThat(limiter.overLimitDue()).as("reported when the minute ends").isZero();
        advance(60);
        assertThat(limiter.overLimitDue()).isEqualTo(500);
        assertThat(limiter.overLimitDue()).isZero();
        assertThat(limiter.admit("flood 0", "x")).as("a new minute").isZero();
    }

    @Test
    void theMinutesStartAtTheFirstLineNotWhenTheLimiterWasMade() {
        // a native executable may make it at build time, in another process with another nanoTime origin
        AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 10 * SECOND);
        LogLimiter<String> early = new LogLimiter<>(clock::get);
        clock.set(-5_000 * SECOND);
        for (int i = 0; i < LogLimiter.MAX_LINES; i++) {
            assertThat(early.admit("line " + i, "x")).isZero();
        }
        assertThat(early.admit("one more", "x")).isEqualTo(-1);
        clock.addAndGet(60 * SECOND);
        assertThat(early.admit("one more", "x")).as("the next minute").isZero();
    }

    @Test
    void linesWithoutRepeatsAreForgottenWhenTheirMinuteEnds() {
        limiter.admit("once", "x");
        advance(61);
        assertThat(limiter.due()).isEmpty();
        assertThat(limiter.pending()).isFalse();
        assertThat(limiter.admit("once", "y")).isZero();
    }

    /**
     * A database flapping every 10 s for 10 minutes, and a client varying its lines as it likes: in no
     * minute do more than 2 x MAX_LINES + 1 lines come out (first-hand lines, one repeat line per line
     * that repeated in the minute before, one over-limit line).
     */
    @Test
    void aFloodOfAnyKindStaysBounded() {
        long[] perMinute = new long[11];
        for (int second = 0; second < 600; second++) {
            int minute = second / 60;
            for (int i = 0; i < 50; i++) {
                String key = second % 10 == 0 ? "target main unreachable: connect_refused" : "client line " + second + "/" + i;
                if (limiter.admit(key, key) >= 0) {
                    perMinute[minute]++;
                }
            }
            perMinute[minute] += limiter.due().size();
            perMinute[minute] += limiter.overLimitDue() > 0 ? 1 : 0;
            advance(1);
        }
        for (int m = 0; m < 10; m++) {
            assertThat(perMinute[m]).as("lines in minute %d", m).isLessThanOrEqualTo(2L * LogLimiter.MAX_LINES + 1);
        }
    }
}
