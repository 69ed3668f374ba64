package dev.cloudsqlguard.state;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One probe as the history keeps it: what the timeline of {@code /guard/} draws, without the detail text,
 * the TLS session or the server reading (those are in the status document, for the latest probe).
 *
 * @param sequence the published state's sequence number of the update that carried the probe
 * @param at       when the probe finished
 * @param outcome  ok, slow or failed
 * @param stage    the stage it stopped at (the failing one, or the last that ran)
 * @param reason   why it failed (empty on success)
 * @param total    the whole probe
 * @param stages   each stage that ran, in stage order (microsecond resolution)
 */
public record ProbeRecord(long sequence, Instant at, Outcome outcome, Stage stage, Optional<Reason> reason,
        Duration total, Map<Stage, Duration> stages) {

    public ProbeRecord {
        stages = Map.copyOf(stages);
    }

    /** A walk of a new connection (it has a socket stage), not one round trip on the kept session. */
    public boolean walked() {
        return stages.containsKey(Stage.SOCKET);
    }
}
