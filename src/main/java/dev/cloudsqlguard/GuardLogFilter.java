package dev.cloudsqlguard;

import dev.cloudsqlguard.config.Printable;
import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Every log line of the process passes here (console and file):
 * <ul>
 * <li>its message is made {@link Printable}: a line break in a value (a user name, a server's
 * error message) is escaped, so no value can forge a log line of its own;
 * <li>the ERROR (with a stack trace) that Quarkus's HTTP error handler logs for a request without
 * a {@code Host} header is dropped: the client already got its 400, and otherwise any client could
 * write a stack trace into the log per request. Other errors of the handler are kept;
 * <li>once the guard is stopping, Netty's ERROR that a listener could not be notified on an event
 * loop already shut down is dropped: a probe that hung on an unresponsive server has a request in
 * flight that only the stop ends, and its last notification finds the loop gone. That is the stop,
 * not a failure.
 * </ul>
 */
@LoggingFilter(name = "guard-log")
public final class GuardLogFilter implements Filter {

    static final String ERROR_HANDLER = "io.quarkus.vertx.http.runtime.QuarkusErrorHandler";
    static final String REJECTED_NOTIFICATION = "io.netty.util.concurrent.DefaultPromise.rejectedExecution";

    private static volatile boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(GuardLogFilter::stopping, "guard-log-stopping"));
    }

    /** The guard is stopping (a signal, or the runtime's shutdown): from now on, see the class comment. */
    static void stopping() {
        stopping = true;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (stopping && REJECTED_NOTIFICATION.equals(record.getLoggerName())) {
            return false;
        }
        if (ERROR_HANDLER.equals(record.getLoggerName()) && isClientError(record.getThrown())) {
            return false;
        }
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            String printable = Printable.escape(message);
            if (printable != null && !printable.equals(message)) {
                ext.setMessage(printable, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        return true;
    }

    static boolean isClientError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("the 'Host' header is required")) {
                return true;
            }
        }
        return false;
    }
}
