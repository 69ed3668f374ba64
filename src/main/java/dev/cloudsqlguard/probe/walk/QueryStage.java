package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.StageFailure;
import java.time.Duration;

/**
 * The {@code query} stage: an authenticated statement over a kept-open session, which reads the
 * server's figures ({@link ServerReading}) in the same round trip. An interface so that the walker
 * does not depend on the client library that implements it ({@link VertxQueryStage}, the one adapter
 * of the probe layer that may use Vert.x).
 */
public interface QueryStage extends AutoCloseable {

    /**
     * Runs the probe statement and the reading, opening (or re-opening) the session first if needed.
     *
     * @throws StageFailure with the query-stage reason when it fails
     */
    ServerReading run(Duration timeout) throws StageFailure;

    /**
     * Runs them on the kept session only: a session that broke since the last probe is not re-opened
     * here, the probe fails and the next one walks a new connection.
     *
     * @throws StageFailure with the query-stage reason when it fails
     */
    ServerReading runOnKeptSession(Duration timeout) throws StageFailure;

    /** True while a session is open and not known to be broken. */
    boolean sessionHealthy();

    /** True when the kept session is older than its maximum age: the next {@link #run} opens a new one. */
    boolean sessionDue();

    @Override
    void close();
}
