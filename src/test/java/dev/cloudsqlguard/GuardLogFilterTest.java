package dev.cloudsqlguard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** Every log line is printable, and a Host-less request's ERROR is dropped (the client got its 400). */
class GuardLogFilterTest {

    private final GuardLogFilter filter = new GuardLogFilter();

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
        ExtLogRecord r = record("dev.cloudsqlguard", "target %s is reachable", "main");
        assertThat(filter.isLoggable(r)).isTrue();
        assertThat(r.getFormattedMessage()).isEqualTo("target main is reachable");
        assertThat(r.getParameters()).containsExactly("main");
    }

    @Test
    void theErrorHandlersLineForAHostlessRequestIsDroppedAndOthersAreKept() {
        ExtLogRecord hostless = record(GuardLogFilter.ERROR_HANDLER, "HTTP Request to %s failed", "/q/health");
        hostless.setThrown(new VertxException("For HTTP/1.x requests, the 'Host' header is required", true));
        assertThat(filter.isLoggable(hostless)).isFalse();
        ExtLogRecord bug = record(GuardLogFilter.ERROR_HANDLER, "HTTP Request to %s failed", "/guard/status");
        bug.setThrown(new IllegalStateException("a bug"));
        assertThat(filter.isLoggable(bug)).isTrue();
        ExtLogRecord elsewhere = record("dev.cloudsqlguard", "x");
        elsewhere.setThrown(new VertxException("the 'Host' header is required", true));
        assertThat(filter.isLoggable(elsewhere)).as("only the error handler's line").isTrue();
    }
}
