package dev.cloudsqlguard;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Drops the ERROR (with a stack trace) that Quarkus's HTTP error handler logs for a request
 * without a {@code Host} header: the client already got its 400, and otherwise any client could
 * write a stack trace into the log per request. Other errors of the handler are kept.
 */
@LoggingFilter(name = "guard-client-errors")
public final class ClientErrorLogFilter implements Filter {

    static final String ERROR_HANDLER = "io.quarkus.vertx.http.runtime.QuarkusErrorHandler";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(ERROR_HANDLER.equals(record.getLoggerName()) && isClientError(record.getThrown()));
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
