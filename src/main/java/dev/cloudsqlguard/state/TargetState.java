package dev.cloudsqlguard.state;

import dev.cloudsqlguard.circuit.CircuitView;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.TlsSession;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything the signals say about one target, as one immutable value.
 *
 * @param name                target name
 * @param endpoint            where it is probed (never contains credentials)
 * @param required            whether it gates the guard's started and ready (an optional target is only reported)
 * @param startedAt           when the first successful probe finished (the startup gate opened)
 * @param lastResult          the latest probe
 * @param lastWalk            the latest probe that walked a new connection (every stage), which in steady state is
 *                            older than the latest probe (one round trip on the kept session)
 * @param lastSuccess         when the latest successful probe finished
 * @param consecutiveFailures failed probes since the last success
 * @param reason              reason of the current failure streak
 * @param reasonSince         when that reason was first seen in the streak
 * @param probes              probes run since boot
 * @param failures            failed probes since boot
 * @param skipped             probe slots the open circuit refused (no database contact)
 * @param circuit             the circuit
 * @param tls                 the TLS session of the latest probe that got as far as the handshake, if it negotiated one
 * @param reading             the latest server reading (connections, recovery, lag) and when it was taken
 * @param headroomLow         whether the free connection slots are under {@code guard.probe.headroom-warning}
 * @param recent              counts and median latency of the last probes (what a healthy verdict quotes)
 */
public record TargetState(
        String name,
        String endpoint,
        boolean required,
        Optional<Instant> startedAt,
        Optional<ProbeResult> lastResult,
        Optional<ProbeResult> lastWalk,
        Optional<Instant> lastSuccess,
        int consecutiveFailures,
        Optional<Reason> reason,
        Optional<Instant> reasonSince,
        long probes,
        long failures,
        long skipped,
        CircuitView circuit,
        Optional<TlsSession> tls,
        Optional<Reading> reading,
        boolean headroomLow,
        RecentProbes.Summary recent) {

    /** A server reading and the time of the probe that took it (it may be older than the latest probe). */
    public record Reading(ServerReading figures, Instant at) {
    }

    public boolean started() {
        return startedAt.isPresent();
    }

    /** Ready means: the gate has opened and the circuit lets traffic through. */
    public boolean ready() {
        return started() && circuit.state().admitsTraffic();
    }

    /** True when the current failure is one waiting will not fix (bad credentials, missing database). */
    public boolean misconfigured() {
        return reason.map(Reason::misconfiguration).orElse(false);
    }
}
