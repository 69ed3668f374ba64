package dev.cloudsqlguard.probe.wire;

import dev.cloudsqlguard.probe.Failure;
import dev.cloudsqlguard.probe.Reason;
import java.util.Optional;

/**
 * What the server's first answer to a StartupMessage says. {@code failure} is empty when the
 * server answered like a live PostgreSQL that would take a connection (an authentication request,
 * or an error such as 28P01 that still proves it is up); otherwise it is the failure the
 * handshake stage throws, as is.
 *
 * @param failure  why the server cannot take a connection now, if it cannot
 * @param sqlState the SQLSTATE of an ErrorResponse, if the server sent one
 * @param detail   a short human-readable description (server message or parse problem)
 * @param authentication the authentication the server asked for ({@code SCRAM-SHA-256}, {@code md5},
 *                       {@code trust}...), when its answer was an authentication request; else null
 */
public record HandshakeVerdict(Optional<Failure> failure, String sqlState, String detail, String authentication) {

    /** A verdict that carries no authentication request. */
    public HandshakeVerdict(Optional<Failure> failure, String sqlState, String detail) {
        this(failure, sqlState, detail, null);
    }

    /** The server asked for {@code authentication}: it would take a connection. */
    public static HandshakeVerdict accepted(String authentication) {
        return new HandshakeVerdict(Optional.empty(), null, "server asked for " + authentication + " authentication",
                authentication);
    }

    public static HandshakeVerdict failed(Reason reason, String sqlState, String detail) {
        return new HandshakeVerdict(Optional.of(Failure.of(reason, sqlState, detail)), sqlState, detail);
    }

    public Optional<Reason> reason() {
        return failure.map(Failure::reason);
    }
}
