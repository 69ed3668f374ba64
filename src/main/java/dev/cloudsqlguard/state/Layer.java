package dev.cloudsqlguard.state;

import java.util.Locale;

/**
 * Where the path to a database broke, as an on-call engineer sorts it: the codes are part of the
 * external contract (status, health data, logs, the diagnose report), so never rename one.
 */
public enum Layer {
    /** The socket directory or file is missing: the Cloud SQL volume or proxy is not there. */
    MOUNT,
    /** The socket exists but refuses, or the peer closes (or speaks something else) before answering. */
    PROXY,
    /** Connect or handshake timeouts, an address that does not resolve, a slow path over TCP. */
    NETWORK,
    /** The server answers, but it is starting, stopping, full, slow, lagging, or not in the required role. */
    DATABASE,
    /** The server answers, but refuses the guard's login, database name or certificates. */
    CREDENTIALS,
    /** The database answers: a connection problem of the app is in the app's own settings. */
    HEALTHY;

    /** Stable lower-case code, e.g. {@code network}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
