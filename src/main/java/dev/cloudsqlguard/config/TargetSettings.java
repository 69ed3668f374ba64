package dev.cloudsqlguard.config;

import java.util.Optional;

/**
 * The database a guard watches.
 *
 * @param name           label used in status, logs and metrics (instance connection name by default)
 * @param endpoint       where to connect
 * @param database       database for the handshake and the query stage
 * @param user           user for the query stage; without it the probe stops after the handshake
 * @param password       password source, if the user needs one (IAM auth through the proxy does not)
 * @param requirePrimary report {@code read_only} when the server is a replica or in recovery
 */
public record TargetSettings(
        String name,
        Endpoint endpoint,
        String database,
        Optional<String> user,
        Optional<PasswordSource> password,
        boolean requirePrimary) {

    /** User name sent in the credential-free handshake's StartupMessage. */
    public String handshakeUser() {
        return user.orElse("postgres");
    }

    /** True when the probe runs the authenticated query stage. */
    public boolean hasCredentials() {
        return user.isPresent();
    }
}
