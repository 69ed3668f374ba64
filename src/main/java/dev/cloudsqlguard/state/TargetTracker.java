package dev.cloudsqlguard.state;

import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.circuit.ProbePacer;
import dev.cloudsqlguard.circuit.TargetCircuit;
import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.TlsSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Folds one target's probe results into its {@link TargetState} and the events worth telling:
 * the startup gate, reason changes, recoveries and circuit transitions. Pure apart from the
 * injected clock and random source; not thread-safe (the probe loop owns it).
 *
 * <p>The circuit only sees probes after the gate has opened: before that the guard is holding
 * the app anyway, and an OPEN wait would only delay noticing that the database came up.
 */
public final class TargetTracker {

    private final String name;
    private final String endpoint;
    private final boolean required;
    private final Clock clock;
    private final TargetCircuit circuit;
    private final ProbePacer pacer;

    private Instant startedAt;
    private ProbeResult lastResult;
    private ProbeResult lastWalk;
    private TlsSession tls;
    private TargetState.Reading reading;
    private final HeadroomWatch headroom;
    private final RecentProbes recent = new RecentProbes();
    private Instant lastSuccess;
    private int consecutiveFailures;
    private Reason reason;
    private Instant reasonSince;
    private long probes;
    private long failures;
    private long skipped;

    public TargetTracker(TargetSettings target, ProbeSettings probe, CircuitSettings circuitSettings, Clock clock,
            DoubleSupplier random) {
        this.name = target.name();
        this.endpoint = target.endpoint().describe();
        this.required = target.required();
        this.clock = clock;
        this.circuit = new TargetCircuit(name, circuitSettings, probe.slowThreshold(), clock, random);
        this.pacer = new ProbePacer(probe, circuitSettings);
        this.headroom = new HeadroomWatch(probe.headroomWarning());
    }

    /**
     * Whether the next probe may contact the database. Before the gate opens: always. After:
     * the circuit decides (OPEN refuses until its wait elapses, which moves it to HALF_OPEN).
     *
     * @return the decision and any transition it caused
     */
    public Decision permitProbe() {
        if (startedAt == null) {
            return new Decision(true, List.of());
        }
        boolean permitted = circuit.permitProbe();
        if (!permitted) {
            skipped++;
        }
        return new Decision(permitted, transitions());
    }

    /** Folds in a probe result; returns the events it caused, in order. */
    public List<TargetEvent> record(ProbeResult result) {
        List<TargetEvent> events = new ArrayList<>();
        probes++;
        recent.add(result);
        lastResult = result;
        if (result.walkedNewConnection()) {
            lastWalk = result;
        }
        if (result.tls().isPresent() || result.latencies().containsKey(Stage.HANDSHAKE)) {
            tls = result.tls().orElse(null); // a probe that failed before the handshake says nothing new about TLS
        }
        result.reading().ifPresent(r -> {
            reading = new TargetState.Reading(r, result.at());
            if (headroom.observe(r, result.at())) {
                events.add(new TargetEvent.HeadroomChanged(name, headroom.low(), r, headroom.thresholdPercent()));
            }
        });
        if (result.succeeded()) {
            if (consecutiveFailures > 0 && startedAt != null) {
                events.add(new TargetEvent.Recovered(name, consecutiveFailures, Optional.ofNullable(reason), result));
            }
            consecutiveFailures = 0;
            reason = null;
            reasonSince = null;
            lastSuccess = result.at();
            if (startedAt == null) {
                startedAt = result.at();
                events.add(new TargetEvent.Started(name, startedAt, result));
                return events; // the circuit starts fresh and CLOSED at the gate
            }
        } else {
            failures++;
            consecutiveFailures++;
            Reason now = result.reason().orElseThrow();
            if (now != reason) {
                events.add(new TargetEvent.ReasonChanged(name, Optional.ofNullable(reason), now, result));
                reason = now;
                reasonSince = result.at();
            }
        }
        if (startedAt != null) {
            circuit.record(result);
            events.addAll(transitions());
        }
        return events;
    }

    public List<TargetEvent> forceOpen() {
        circuit.forceOpen();
        return transitions();
    }

    public List<TargetEvent> forceClosed() {
        circuit.forceClosed();
        return transitions();
    }

    public List<TargetEvent> release() {
        circuit.release();
        return transitions();
    }

    /** Pause before the next tick. */
    public Duration nextDelay() {
        return pacer.nextDelay(startedAt != null, circuit.state(), lastResult);
    }

    public TargetState state() {
        return new TargetState(name, endpoint, required, Optional.ofNullable(startedAt), Optional.ofNullable(lastResult),
                Optional.ofNullable(lastWalk),
                Optional.ofNullable(lastSuccess), consecutiveFailures, Optional.ofNullable(reason),
                Optional.ofNullable(reasonSince), probes, failures, skipped, circuit.view(), Optional.ofNullable(tls),
                Optional.ofNullable(reading), headroom.low(), recent.summary());
    }

    public String name() {
        return name;
    }

    private List<TargetEvent> transitions() {
        List<TargetEvent> events = new ArrayList<>();
        for (CircuitTransition t : circuit.drainTransitions()) {
            events.add(new TargetEvent.Transitioned(name, t));
        }
        return events;
    }

    /** The answer of {@link #permitProbe()}. */
    public record Decision(boolean permitted, List<TargetEvent> events) {
    }
}
