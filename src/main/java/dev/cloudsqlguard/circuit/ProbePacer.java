package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Duration;

/**
 * When the next probe (or, in OPEN, the next check of whether probing is allowed) happens.
 * Fast before the gate opens, relaxed while healthy, quicker when in doubt so that a real
 * outage opens the circuit within about two seconds instead of waiting out the window at
 * the normal interval. A bad probe on the kept session is followed at once by a walk of a new
 * connection (no pause): it tells where the path broke, and it is the second bad probe a hang
 * needs to open the circuit.
 */
public final class ProbePacer {

    private final ProbeSettings probe;
    private final CircuitSettings circuit;

    public ProbePacer(ProbeSettings probe, CircuitSettings circuit) {
        this.probe = probe;
        this.circuit = circuit;
    }

    /**
     * @param started     whether the target's gate has opened
     * @param state       its circuit state
     * @param last        the latest probe, or null if none ran
     * @return the pause from the end of this tick to the start of the next
     */
    public Duration nextDelay(boolean started, CircuitState state, ProbeResult last) {
        if (!started) {
            return probe.startupInterval();
        }
        boolean good = last != null && last.outcome() == Outcome.OK;
        boolean badOnSession = last != null && !good && !last.walkedNewConnection();
        return switch (state) {
            case OPEN, HALF_OPEN -> circuit.recheckInterval();
            case CLOSED -> good ? probe.interval() : badOnSession ? Duration.ZERO : circuit.recheckInterval();
            case FORCED_OPEN, FORCED_CLOSED -> probe.interval();
        };
    }
}
