package dev.cloudsqlguard.probe;

/**
 * A stage's verdict that the path is broken. Internal to the probe walk: it carries the reason
 * to {@link ProbeRecorder#failed} and never leaves the prober. No stack trace is captured: these
 * are expected outcomes, not bugs.
 */
final class StageFailure extends Exception {

    private final Reason reason;
    private final String sqlState;

    StageFailure(Reason reason, String sqlState, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.sqlState = sqlState;
    }

    StageFailure(Reason reason, String detail) {
        this(reason, null, detail);
    }

    Reason reason() {
        return reason;
    }

    String sqlState() {
        return sqlState;
    }
}
