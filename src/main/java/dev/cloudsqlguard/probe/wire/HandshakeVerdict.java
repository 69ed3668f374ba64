package dev.cloudsqlguard.probe.wire;

import dev.cloudsqlguard.probe.Reason;
import java.util.Optional;

/**
 * What the server's first answer to a StartupMessage says. {@code reason} is empty when the
 * server answered like a live PostgreSQL that would take a connection.
 *
 * @param reason   the failure, if any
 * @param sqlState the SQLSTATE of an ErrorResponse, if the server sent one
 * @param detail   a short human-readable description (server message or parse problem)
 */
public record HandshakeVerdict(Optional<Reason> reason, String sqlState, String detail) {

    public static HandshakeVerdict accepted(String detail) {
        return new HandshakeVerdict(Optional.empty(), null, detail);
    }

    public static HandshakeVerdict failed(Reason reason, String sqlState, String detail) {
        return new HandshakeVerdict(Optional.of(reason), sqlState, detail);
    }

    public boolean isAccepted() {
        return reason.isEmpty();
    }
}
