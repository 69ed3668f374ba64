package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.TARGET_DATABASE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_MAX_REPLICATION_LAG;
import static dev.cloudsqlguard.config.Catalogue.TARGET_NAME;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PASSWORD;
import static dev.cloudsqlguard.config.Catalogue.TARGET_PASSWORD_FILE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_REQUIRED;
import static dev.cloudsqlguard.config.Catalogue.TARGET_REQUIRE_PRIMARY;
import static dev.cloudsqlguard.config.Catalogue.TARGET_ROLE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_USER;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads one target's properties into {@link TargetSettings}: its endpoint ({@link EndpointParser}),
 * database, credentials, role and whether it is required, and the rules between them. Every key,
 * in lookups and in messages, comes from the catalogue through {@link TargetValues}, so the single
 * {@code guard.target.*} target and a named {@code guard.targets.<name>.*} one parse alike.
 */
final class TargetParser {

    private final TargetValues t;
    private final SettingsParser.FileReader files;
    /** The label a named target gets unless it sets {@code name}; null for the single target. */
    private final String defaultName;

    TargetParser(TargetValues t, SettingsParser.FileReader files, String defaultName) {
        this.t = t;
        this.files = files;
        this.defaultName = defaultName;
    }

    TargetSettings parse() {
        EndpointParser.Resolved resolved = new EndpointParser(t).parse();
        String database = t.valueOrDefault(TARGET_DATABASE);
        Optional<String> user = t.value(TARGET_USER);
        Optional<PasswordSource> password = password(user);
        Role role = role(user);
        String name = t.value(TARGET_NAME).orElse(defaultName != null ? defaultName
                : resolved.defaultName() == null ? "target" : resolved.defaultName());
        if (name.length() > 128 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            t.problem(TARGET_NAME, "must be at most 128 printable ASCII characters");
        }
        Optional<Duration> maxLag = t.value(TARGET_MAX_REPLICATION_LAG);
        if (maxLag.isPresent() && user.isEmpty()) {
            t.problem(TARGET_MAX_REPLICATION_LAG, "needs " + t.key(TARGET_USER)
                    + ": only the query stage can read a replica's lag");
        }
        return new TargetSettings(name, resolved.endpoint(), database, user, password, role,
                t.valueOrDefault(TARGET_REQUIRED), new TlsParser(t, files).parse(resolved.endpoint()), maxLag);
    }

    /** {@code role}, or the deprecated {@code require-primary=true} as {@code role=primary}. */
    private Role role(Optional<String> user) {
        Role role = t.valueOrDefault(TARGET_ROLE);
        if (t.isSet(TARGET_REQUIRE_PRIMARY)) {
            Role implied = t.valueOrDefault(TARGET_REQUIRE_PRIMARY) ? Role.PRIMARY : Role.ANY;
            if (t.isSet(TARGET_ROLE) && role != implied) {
                t.problem(TARGET_REQUIRE_PRIMARY, "conflicts with " + t.key(TARGET_ROLE) + "=" + role.code()
                        + "; it is deprecated: keep only " + t.key(TARGET_ROLE));
                return role;
            }
            t.deprecated(TARGET_REQUIRE_PRIMARY, "is deprecated; use " + t.key(TARGET_ROLE) + "=" + implied.code());
            role = implied;
        }
        if (role != Role.ANY && user.isEmpty()) {
            Property<?> culprit = t.isSet(TARGET_ROLE) ? TARGET_ROLE : TARGET_REQUIRE_PRIMARY;
            t.problem(culprit, "needs " + t.key(TARGET_USER) + ": only the query stage can tell a primary from a replica");
        }
        return role;
    }

    private Optional<PasswordSource> password(Optional<String> user) {
        Optional<Secret> password = t.value(TARGET_PASSWORD);
        boolean passwordFile = t.text(TARGET_PASSWORD_FILE).isPresent();
        if (password.isPresent() && passwordFile) {
            t.problem(TARGET_PASSWORD_FILE, "conflicts with " + t.key(TARGET_PASSWORD) + ": set only one of them");
        } else if ((password.isPresent() || passwordFile) && user.isEmpty()) {
            t.problem(password.isPresent() ? TARGET_PASSWORD : TARGET_PASSWORD_FILE, "has no effect without " + t.key(TARGET_USER));
        } else if (password.isPresent()) {
            return Optional.of(PasswordSource.literal(password.get().reveal()));
        } else if (passwordFile) {
            Optional<Path> path = t.value(TARGET_PASSWORD_FILE);
            if (path.isPresent()) {
                try {
                    files.read(path.get());
                    return Optional.of(PasswordSource.file(path.get()));
                } catch (IOException | RuntimeException e) {
                    t.problem(TARGET_PASSWORD_FILE, "cannot read " + path.get() + " (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
        return Optional.empty();
    }
}
