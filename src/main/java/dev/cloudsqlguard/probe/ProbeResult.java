package dev.cloudsqlguard.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable result of one probe: where it stopped, why, and how long each stage took.
 *
 * @param target    the target's name
 * @param outcome   ok, slow or failed
 * @param stage     the last stage reached: the failing one, or the last one that ran on success
 * @param reason    why it failed (empty on success)
 * @param sqlState  the SQLSTATE the server sent, when it sent one
 * @param detail    a short description safe to show (server message or I/O error text; never a secret)
 * @param latencies time spent in each stage that ran, in stage order
 * @param total     time of the whole probe
 * @param at        when the probe finished
 * @param tls       the TLS session the probe negotiated, if it did
 * @param reading   what the kept session read about the server (connections, recovery, lag), when the
 *                  probe got that far
 * @param authentication the authentication the server asked for at the handshake ({@code SCRAM-SHA-256},
 *                  {@code md5}, {@code trust}...), when the probe walked that far
 */
public record ProbeResult(
        String target,
        Outcome outcome,
        Stage stage,
        Optional<Reason> reason,
        Optional<String> sqlState,
        String detail,
        Map<Stage, Duration> latencies,
        Duration total,
        Instant at,
        Optional<TlsSession> tls,
        Optional<ServerReading> reading,
        Optional<String> authentication) {

    /** A result of a probe that negotiated no TLS and read nothing about the server. */
    public ProbeResult(String target, Outcome outcome, Stage stage, Optional<Reason> reason, Optional<String> sqlState,
            String detail, Map<Stage, Duration> latencies, Duration total, Instant at) {
        this(target, outcome, stage, reason, sqlState, detail, latencies, total, at, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public ProbeResult {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(sqlState, "sqlState");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(reading, "reading");
        Objects.requireNonNull(authentication, "authentication");
        if (outcome == Outcome.FAILED && reason.isEmpty()) {
            throw new IllegalArgumentException("a failed probe needs a reason");
        }
        if (outcome != Outcome.FAILED && reason.isPresent()) {
            throw new IllegalArgumentException("a successful probe has no failure reason");
        }
        EnumMap<Stage, Duration> copy = new EnumMap<>(Stage.class);
        copy.putAll(latencies);
        latencies = Collections.unmodifiableMap(copy);
        detail = detail == null ? "" : detail;
    }

    /**
     * True when this probe walked the path on a new connection (it has a {@code socket} stage); false
     * for a probe that was one round trip on the kept session.
     */
    public boolean walkedNewConnection() {
        return latencies.containsKey(Stage.SOCKET);
    }

    public boolean succeeded() {
        return outcome.reachedDatabase();
    }

    /** Reason code for labels and JSON: {@code none} on success. */
    public String reasonCode() {
        return reason.map(Reason::code).orElse("none");
    }
}
