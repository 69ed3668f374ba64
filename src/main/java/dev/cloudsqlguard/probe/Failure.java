package dev.cloudsqlguard.probe;

import java.util.Objects;
import java.util.Optional;

/**
 * Why a stage failed: the one form a failure takes from the stage that finds it (or the handshake
 * reader that parses the server's refusal) to the {@link ProbeResult} that reports it.
 *
 * @param reason   the stable reason code
 * @param sqlState the SQLSTATE the server sent, when it sent one
 * @param detail   a short description safe to show: a server message or an I/O error, never a secret
 */
public record Failure(Reason reason, Optional<String> sqlState, String detail) {

    public Failure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(sqlState, "sqlState");
        detail = detail == null ? "" : detail;
    }

    public static Failure of(Reason reason, String sqlState, String detail) {
        return new Failure(reason, Optional.ofNullable(sqlState), detail);
    }

    public static Failure of(Reason reason, String detail) {
        return new Failure(reason, Optional.empty(), detail);
    }
}
