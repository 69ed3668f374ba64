package dev.cloudsqlguard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.signal.LogLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every log line is printable; identical lines come out once a minute with their count; transitions always. */
class GuardLogFilterTest {

    private static final long SECOND = 1_000_000_000L;
    private final GuardLogFilter filter = new GuardLogFilter();
    private final AtomicLong now = new AtomicLong();
    private final LogLimiter<ExtLogRecord> limiter = new LogLimiter<>(now::get);

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    private static ExtLogRecord record(String logger, String format, Object... parameters) {
        ExtLogRecord r = new ExtLogRecord(Level.INFO, format, ExtLogRecord.FormatStyle.PRINTF, GuardLogFilterTest.class.getName());
        r.setLoggerName(logger);
        r.setParameters(parameters);
        return r;
    }

    @Test
    void aLineBreakInAParameterIsEscapedNotPrinted() {
        ExtLogRecord r = record("dev.cloudsqlguard", "probing %s as user %s", "main", "guard\nERROR forged line");
        assertThat(filter.isLoggable(r)).isTrue();
        assertThat(r.getFormattedMessage()).isEqualTo("probing main as user guard\\nERROR forged line");
    }

    @Test
    void aPrintableLineIsLeftAsItIs() {
        ExtLogRecord r = record("dev.cloudsqlguard", "target %s is reachable (%s)", "main", "test " + System.nanoTime());
        assertThat(filter.isLoggable(r)).isTrue();
        assertThat(r.getFormattedMessage()).startsWith("target main is reachable (test ");
        assertThat(r.getParameters()).hasSize(2);
    }

    @Test
    void theSameRecordSeenByTwoHandlersGetsTheSameAnswer() {
        ExtLogRecord r = record("test.twice", "line %s\nwith a break", "x" + System.nanoTime());
        assertThat(filter.isLoggable(r)).isTrue();
        assertThat(filter.isLoggable(r)).as("the file handler after the console handler").isTrue();
    }

    @Test
    void identicalLinesComeOutOnceAMinuteWithTheirCount() {
        String format = "target %s is reachable again after %d failed probes";
        assertThat(GuardLogFilter.decide(record("dev.cloudsqlguard", format, "main", 3), limiter)).isTrue();
        now.addAndGet(5 * SECOND);
        assertThat(GuardLogFilter.decide(record("dev.cloudsqlguard", format, "main", 7), limiter))
                .as("numbers aside, identical").isFalse();
        assertThat(GuardLogFilter.decide(record("dev.cloudsqlguard", format, "replica", 7), limiter))
                .as("another target is another line").isTrue();
        MDC.put("target", "main");
        ExtLogRecord last = record("dev.cloudsqlguard", format, "main", 9);
        last.setThrown(null);
        assertThat(GuardLogFilter.decide(last, limiter)).isFalse();
        MDC.clear();

        List<ExtLogRecord> published = new ArrayList<>();
        GuardLogFilter.report(limiter, published::add);
        assertThat(published).as("the minute has not ended").isEmpty();
        now.addAndGet(60 * SECOND);
        GuardLogFilter.report(limiter, published::add);
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.getFormattedMessage())
                    .isEqualTo("target main is reachable again after 9 failed probes [repeated 2 times since it was last logged]");
            assertThat(r.getMdc("repeated")).isEqualTo("2");
            assertThat(r.getMdc("target")).as("the MDC of the held-back line").isEqualTo("main");
            assertThat(GuardLogFilter.decide(r, limiter)).as("a report is never held back").isTrue();
        });
    }

    @Test
    void circuitTransitionsAreNeverHeldBack() {
        MDC.put("to", "open");
        for (int i = 0; i < 3 * LogLimiter.MAX_LINES; i++) {
            ExtLogRecord t = record("dev.cloudsqlguard", "circuit main: closed -> open (reason connect_refused)");
            assertThat(GuardLogFilter.decide(t, limiter)).isTrue();
        }
        MDC.clear();
        assertThat(GuardLogFilter.decide(record("dev.cloudsqlguard", "circuit main: closed -> open (reason connect_refused)"),
                limiter)).isTrue();
        assertThat(GuardLogFilter.decide(record("dev.cloudsqlguard", "circuit main: closed -> open (reason connect_refused)"),
                limiter)).as("the same text without the transition's MDC is an ordinary line").isFalse();
    }

    @Test
    void nettysWarningAboutAWriteToAChannelTheClientClosedIsDroppedAndOthersAreKept() {
        ExtLogRecord closed = record(GuardLogFilter.CHANNEL_CONTEXT, "Failed to mark a promise as failure because it has "
                + "failed already: DefaultChannelPromise@46cea0e1(failure: io.netty.channel.StacklessClosedChannelException), "
                + "unnotified cause: io.netty.channel.StacklessClosedChannelException");
        assertThat(filter.isLoggable(closed)).isFalse();
        ExtLogRecord other = record(GuardLogFilter.CHANNEL_CONTEXT, "Failed to mark a promise as failure because it has "
                + "failed already: DefaultChannelPromise@1(failure: java.lang.IllegalStateException) " + System.nanoTime());
        assertThat(filter.isLoggable(other)).as("another cause").isTrue();
    }

    @Test
    void theKeySetsNumbersAsideButNotNamesOrExceptions() {
        ExtLogRecord a = record("x", "after %d probes of %s", 3, "db1");
        ExtLogRecord b = record("x", "after %d probes of %s", 4, "db1");
        ExtLogRecord c = record("x", "after %d probes of %s", 4, "db2");
        assertThat(GuardLogFilter.key(a)).isEqualTo(GuardLogFilter.key(b)).isNotEqualTo(GuardLogFilter.key(c));
        ExtLogRecord d = record("x", "failed");
        d.setThrown(new IllegalStateException());
        ExtLogRecord e = record("x", "failed");
        e.setThrown(new IllegalArgumentException());
        assertThat(GuardLogFilter.key(d)).isNotEqualTo(GuardLogFilter.key(e));
    }
}
