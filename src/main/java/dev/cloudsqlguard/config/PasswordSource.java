package dev.cloudsqlguard.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the database password comes from. A file (mounted from a Kubernetes or Secret Manager
 * secret) is read again on every new connection, so a rotated secret is picked up without a
 * restart. {@link #toString()} never reveals the value.
 */
public sealed interface PasswordSource permits PasswordSource.Literal, PasswordSource.File {

    /** The current password. */
    String read() throws IOException;

    static PasswordSource literal(String value) {
        return new Literal(value);
    }

    static PasswordSource file(Path path) {
        return new File(path);
    }

    /** A password given directly in configuration (env var). */
    final class Literal implements PasswordSource {
        private final Secret value;

        private Literal(String value) {
            this.value = new Secret(value);
        }

        @Override
        public String read() {
            return value.reveal();
        }

        @Override
        public String toString() {
            return "password(****)";
        }
    }

    /** A password read from a file; one trailing newline is ignored. */
    final class File implements PasswordSource {
        private final Path path;

        private File(Path path) {
            this.path = Objects.requireNonNull(path);
        }

        public Path path() {
            return path;
        }

        @Override
        public String read() throws IOException {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                return text.substring(0, text.length() - 2);
            }
            if (text.endsWith("\n")) {
                return text.substring(0, text.length() - 1);
            }
            return text;
        }

        @Override
        public String toString() {
            return "password-file(" + path + ")";
        }
    }
}
