package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Instant;
import java.util.Locale;

/**
 * CLOSED: every probe is permitted and counted in the sliding window. A bad probe (failed or
 * slow) that brings the failure rate or the slow rate to its threshold opens the circuit. A good
 * probe never does: if it would (a window filling up as "failed, failed, ok, ok" reaches its
 * minimum at 50 % just as the database recovered), the window starts afresh instead.
 */
final class ClosedCircuit extends CircuitPhase {

    ClosedCircuit(TargetCircuit circuit) {
        super(circuit, circuit.window());
    }

    @Override
    CircuitState state() {
        return CircuitState.CLOSED;
    }

    @Override
    boolean permit(Instant now) {
        return true;
    }

    @Override
    void record(ProbeResult result) {
        window.add(result);
        if (!thresholdReached()) {
            return;
        }
        if (result.outcome() == Outcome.OK) {
            window.clear();
        } else {
            circuit.open(window, openingCause(result), result.reasonCode());
        }
    }

    private boolean thresholdReached() {
        CircuitSettings s = circuit.settings();
        return window.failureRate() >= s.failureRateThreshold() || window.slowRate() >= s.slowRateThreshold();
    }

    private String openingCause(ProbeResult latest) {
        CircuitSettings s = circuit.settings();
        if (window.failureRate() >= s.failureRateThreshold()) {
            return String.format(Locale.ROOT, "%d of the last %d probes failed (%.0f%% >= %.0f%%); latest: %s",
                    window.failures(), window.size(), window.failureRate(), s.failureRateThreshold(),
                    latest.reasonCode());
        }
        return String.format(Locale.ROOT, "%d of the last %d probes were slower than %d ms (%.0f%% >= %.0f%%)",
                window.slows(), window.size(), circuit.slowThreshold().toMillis(), window.slowRate(),
                s.slowRateThreshold());
    }
}
