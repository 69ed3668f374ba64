package dev.cloudsqlguard.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One database the guard watches.
 *
 * @param name     label used in status, logs and metrics (the instance connection name, or the
 *                 target's name in {@code guard.targets.<name>.*}, by default)
 * @param endpoint where to connect
 * @param database database for the handshake and the query stage
 * @param user     user for the query stage; without it the probe stops after the handshake
 * @param password password source, if the user needs one (an IAM user through the proxy does not)
 * @param role     what the server must be: any, a primary, or a replica
 * @param required whether the target gates started and ready (an optional one is only reported)
 * @param tls      how the probes use TLS ({@link TlsSettings#NONE} on a socket)
 * @param maxReplicationLag a server in recovery further behind than this fails its probes ({@code replica_lagging})
 */
public record TargetSettings(
        String name,
        Endpoint endpoint,
        String database,
        Optional<String> user,
        Optional<PasswordSource> password,
        Role role,
        boolean required,
        TlsSettings tls,
        Optional<Duration> maxReplicationLag) {

    /** User name sent in the credential-free handshake's StartupMessage. */
    public String handshakeUser() {
        return user.orElse("postgres");
    }

    /** True when the probe runs the authenticated query stage. */
    public boolean hasCredentials() {
        return user.isPresent();
    }
}
