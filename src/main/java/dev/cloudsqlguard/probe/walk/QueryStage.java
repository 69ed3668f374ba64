package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.StageFailure;
import java.time.Duration;

/**
 * The {@code query} stage: an authenticated statement over a kept-open session. An interface
 * so the prober does not depend on the client library that implements it.
 */
interface QueryStage extends AutoCloseable {

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
