package dev.cloudsqlguard.config;

import java.nio.file.Path;

/** Where a probe goes: a PostgreSQL Unix socket file (Cloud SQL proxy) or a TCP host and port. */
public sealed interface Endpoint permits Endpoint.UnixSocket, Endpoint.Tcp {

    /** Human-readable address, safe to log (contains no credentials). */
    String describe();

    int port();

    /**
     * A socket file such as {@code /cloudsql/p:r:i/.s.PGSQL.5432}. The port is the number in the
     * file name: PostgreSQL clients (Vert.x included) take the directory as "host" plus this port.
     */
    record UnixSocket(Path socketFile, int port) implements Endpoint {
        public Path directory() {
            return socketFile.getParent();
        }

        @Override
        public String describe() {
            return "unix:" + socketFile;
        }
    }

    /** A private IP or host name reached over TCP. */
    record Tcp(String host, int port) implements Endpoint {
        @Override
        public String describe() {
            return "tcp:" + host + ":" + port;
        }
    }
}
