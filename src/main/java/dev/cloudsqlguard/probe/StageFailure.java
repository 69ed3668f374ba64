package dev.cloudsqlguard.probe;

/**
 * A stage's verdict that the path is broken. Internal to the probe walk: it carries the reason
 * to {@link StageTimer#failed} and never leaves the prober. No stack trace is captured: these
 * are expected outcomes, not bugs.
 */
public final class StageFailure extends Exception {

    private final Reason reason;
    private final String sqlState;

    public StageFailure(Reason reason, String sqlState, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.sqlState = sqlState;
    }

    public StageFailure(Reason reason, String detail) {
        this(reason, null, detail);
    }

    public Reason reason() {
        return reason;
    }

    public String sqlState() {
        return sqlState;
    }
}
