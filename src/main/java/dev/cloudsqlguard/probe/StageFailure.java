package dev.cloudsqlguard.probe;

/**
 * How a stage stops the walk: it throws its {@link Failure}, which the walker records as the
 * probe's result. No stack trace is captured: these are expected outcomes, not bugs.
 */
public final class StageFailure extends Exception {

    private final transient Failure failure;

    public StageFailure(Failure failure) {
        super(failure.detail(), null, false, false);
        this.failure = failure;
    }

    public StageFailure(Reason reason, String sqlState, String detail) {
        this(Failure.of(reason, sqlState, detail));
    }

    public StageFailure(Reason reason, String detail) {
        this(Failure.of(reason, detail));
    }

    public Failure failure() {
        return failure;
    }
}
