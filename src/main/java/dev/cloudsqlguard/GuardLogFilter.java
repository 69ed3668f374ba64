package dev.cloudsqlguard;

import dev.cloudsqlguard.config.Printable;
import dev.cloudsqlguard.signal.LogLimiter;
import io.quarkus.logging.LoggingFilter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;

/**
 * Every log line of the process passes here (console and file):
 * <ul>
 * <li>its message is made {@link Printable}: a line break in a value (a user name, a server's
 * error message) is escaped, so no value can forge a log line of its own;
 * <li>it is rate-limited by one {@link LogLimiter} for the process: an identical line (same level,
 * logger, message pattern and values, numbers aside, and exception class) at most once a minute, the
 * repeats counted and logged once with the count when the minute ends; all lines at most
 * {@value LogLimiter#MAX_LINES} a minute. <b>Circuit transitions are exempt</b> (a circuit's open or
 * close is never held back; the circuit's OPEN wait bounds how often they come). A daemon thread,
 * started at the first line held back, reports the counts;
 * <li>once the guard is stopping, Netty's ERROR that a listener could not be notified on an event
 * loop already shut down is dropped: a probe that hung on an unresponsive server has a request in
 * flight that only the stop ends, and its last notification finds the loop gone. That is the stop,
 * not a failure;
 * <li>Netty's WARN that a write's promise "has failed already" because the channel was closed is
 * dropped: a client that leaves while an answer is being written (an SSE subscriber that connects and
 * hangs up at once) has its write fail twice, and any client could otherwise write a WARN per
 * connection.
 * </ul>
 * (A request the HTTP server refuses before any route, such as one without {@code Host}, is answered by
 * {@code api/RequestFilter}'s failure handler, before Quarkus's error handler could log it.)
 */
@LoggingFilter(name = "guard-log")
public final class GuardLogFilter implements Filter {

    /** The logger of the guard's own lines; its circuit transitions carry the MDC field {@code to}. */
    static final String GUARD_LOGGER = "dev.cloudsqlguard";
    static final String REJECTED_NOTIFICATION = "io.netty.util.concurrent.DefaultPromise.rejectedExecution";
    static final String CHANNEL_CONTEXT = "io.netty.channel.AbstractChannelHandlerContext";

    private static volatile boolean stopping;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(GuardLogFilter::stopping, "guard-log-stopping"));
    }

    /** The guard is stopping (a signal, or the runtime's shutdown): from now on, see the class comment. */
    static void stopping() {
        stopping = true;
    }

    private static final LogLimiter<ExtLogRecord> LIMITER = new LogLimiter<>(System::nanoTime);
    private static ScheduledExecutorService reporter;

    /** A line logged again with its count, or the over-limit line: already counted, never held back. */
    static final class Report extends ExtLogRecord {
        Report(ExtLogRecord original) {
            super(original);
        }

        Report(Level level, String message) {
            super(level, message, FormatStyle.NO_FORMAT, GuardLogFilter.class.getName());
            setLoggerName(GUARD_LOGGER);
        }
    }

    /** The same record seen again by a second handler (console and file) gets the same answer. */
    private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

    @Override
    public boolean isLoggable(LogRecord record) {
        if (stopping && REJECTED_NOTIFICATION.equals(record.getLoggerName())) {
            return false;
        }
        if (!(record instanceof ExtLogRecord ext)) {
            return true;
        }
        if (CHANNEL_CONTEXT.equals(record.getLoggerName()) && closedChannelWrite(ext.getFormattedMessage())) {
            return false;
        }
        Object[] last = LAST.get();
        if (last[0] == record) {
            return (Boolean) last[1];
        }
        boolean loggable = decide(ext, LIMITER);
        last[0] = record;
        last[1] = loggable;
        return loggable;
    }

    static boolean decide(ExtLogRecord ext, LogLimiter<ExtLogRecord> limiter) {
        if (!(ext instanceof Report) && !exempt(ext)) {
            long repeats = limiter.admit(key(ext), ext);
            if (repeats < 0) {
                ext.copyMdc(); // logged later on another thread, with the count
                if (limiter == LIMITER) {
                    startReporter();
                }
                return false;
            }
            if (repeats > 0) {
                withCount(ext, repeats);
            }
        }
        String message = ext.getFormattedMessage();
        String printable = Printable.escape(message);
        if (printable != null && !printable.equals(message)) {
            ext.setMessage(printable, ExtLogRecord.FormatStyle.NO_FORMAT);
            ext.setParameters(null);
        }
        return true;
    }

    /** Netty's "failed already" warning about a write to a channel the peer closed. */
    static boolean closedChannelWrite(String message) {
        return message != null && message.startsWith("Failed to mark a promise as failure because it has failed already")
                && message.contains("ClosedChannelException");
    }

    /** Circuit transitions (LogSignal puts the state they go to in the MDC): never held back. */
    static boolean exempt(ExtLogRecord ext) {
        return GUARD_LOGGER.equals(ext.getLoggerName()) && ext.getMdc("to") != null;
    }

    /**
     * What makes two lines identical: level, logger, message pattern, its values except numbers (a
     * count, a latency), the exception's class. A line formatted before logging is its text.
     */
    static String key(ExtLogRecord ext) {
        StringBuilder key = new StringBuilder(ext.getLevel().getName()).append('\u0000').append(ext.getLoggerName())
                .append('\u0000').append(ext.getMessage());
        Object[] parameters = ext.getParameters();
        if (parameters != null) {
            for (Object p : parameters) {
                key.append('\u0000').append(p instanceof Number ? "#" : String.valueOf(p));
            }
        }
        if (ext.getThrown() != null) {
            key.append('\u0000').append(ext.getThrown().getClass().getName());
        }
        return key.toString();
    }

    /** The line with how many identical lines were not logged since it was last (also as the MDC field {@code repeated}). */
    static ExtLogRecord withCount(ExtLogRecord ext, long repeats) {
        ext.setMessage(ext.getFormattedMessage() + " [repeated " + repeats + " times since it was last logged]",
                ExtLogRecord.FormatStyle.NO_FORMAT);
        ext.setParameters(null);
        ext.putMdc("repeated", Long.toString(repeats));
        return ext;
    }

    /** The lines whose minute ended with repeats, once more with the count; the count of lines over the bound. */
    static void report(LogLimiter<ExtLogRecord> limiter, java.util.function.Consumer<ExtLogRecord> publish) {
        for (LogLimiter.Repeat<ExtLogRecord> repeat : limiter.due()) {
            Report again = new Report(repeat.last());
            again.setInstant(java.time.Instant.now());
            again.setThrown(null); // its stack trace was logged with the line itself
            publish.accept(withCount(again, repeat.count()));
        }
        long over = limiter.overLimitDue();
        if (over > 0) {
            publish.accept(new Report(org.jboss.logmanager.Level.WARN, "log volume bound: " + over + " lines not logged in the last "
                    + "minute (more than " + LogLimiter.MAX_LINES + " lines a minute)"));
        }
    }

    private static synchronized void startReporter() {
        if (reporter == null) {
            reporter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "guard-log-limiter");
                t.setDaemon(true);
                return t;
            });
            reporter.scheduleWithFixedDelay(() -> report(LIMITER, r -> Logger.getLogger(r.getLoggerName()).logRaw(r)),
                    1, 1, TimeUnit.SECONDS);
        }
    }
}
