package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.StageFailure;
import java.time.Duration;

/**
 * The {@code query} stage: an authenticated statement over a kept-open session. An interface so
 * that the walker does not depend on the client library that implements it ({@link VertxQueryStage},
 * the one adapter of the probe layer that may use Vert.x).
 */
public interface QueryStage extends AutoCloseable {

    /**
     * Runs the probe statement, opening (or re-opening) the session first if needed.
     *
     * @return a short description of what was verified
     * @throws StageFailure with the query-stage reason when it fails
     */
    String run(Duration timeout) throws StageFailure;

    @Override
    void close();
}
