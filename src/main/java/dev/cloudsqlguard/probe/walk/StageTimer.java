package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Failure;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.TlsSession;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Times the stages while one probe walks the path, then turns them into a
 * {@link ProbeResult}. Time comes from injected sources so tests can drive it.
 */
public final class StageTimer {

    private final String target;
    private final Duration slowThreshold;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
    private Stage current;
    private long stageStart;
    private TlsSession tls;
    private ServerReading reading;
    private String authentication;

    public StageTimer(String target, Duration slowThreshold, Clock clock, LongSupplier nanoTime) {
        this.target = target;
        this.slowThreshold = slowThreshold;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    /** Starts timing a stage; ends the previous one if it was still open. */
    public void begin(Stage stage) {
        endCurrent();
        current = stage;
        stageStart = nanoTime.getAsLong();
    }

    /**
     * Goes on timing the current stage under another name: the SSLRequest round trip of a server
     * that declined TLS belongs to the plain handshake that follows, and no {@code tls} stage is reported.
     */
    public void continueAs(Stage stage) {
        current = stage;
    }

    /** The TLS session this probe negotiated, for its result. */
    public void negotiated(TlsSession session) {
        tls = session;
    }

    /** What the kept session read about the server, for this probe's result (also when the reading fails it). */
    public void read(ServerReading serverReading) {
        reading = serverReading;
    }

    /** The authentication the server asked for at this probe's handshake. */
    public void authentication(String method) {
        authentication = method;
    }

    /** The stage being timed, or the last one that ran. */
    public Stage stage() {
        return current;
    }

    public ProbeResult succeeded(String detail) {
        Stage last = current;
        endCurrent();
        Duration total = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
        Outcome outcome = total.compareTo(slowThreshold) > 0 ? Outcome.SLOW : Outcome.OK;
        return new ProbeResult(target, outcome, last, Optional.empty(), Optional.empty(), detail,
                latencies, total, clock.instant(), Optional.ofNullable(tls), Optional.ofNullable(reading),
                Optional.ofNullable(authentication));
    }

    public ProbeResult failed(Failure failure) {
        Stage failing = current == null ? failure.reason().usualStage() : current;
        endCurrent();
        Duration total = Duration.ofNanos(nanoTime.getAsLong() - startNanos);
        return new ProbeResult(target, Outcome.FAILED, failing, Optional.of(failure.reason()), failure.sqlState(),
                failure.detail(), latencies, total, clock.instant(), Optional.ofNullable(tls), Optional.ofNullable(reading),
                Optional.ofNullable(authentication));
    }

    private void endCurrent() {
        if (current != null && !latencies.containsKey(current)) {
            latencies.put(current, Duration.ofNanos(nanoTime.getAsLong() - stageStart));
        }
    }
}
