package dev.cloudsqlguard.probe;

import java.util.Locale;

/**
 * The stages a probe walks, in order. The stage a probe stopped at tells an operator
 * which layer broke: the mount/proxy (socket), the network (connect), TLS (a TCP target that
 * negotiated it), the server (handshake) or the database session (query). A probe reports
 * {@code tls} only when it asked the server for TLS.
 */
public enum Stage {
    SOCKET,
    CONNECT,
    TLS,
    HANDSHAKE,
    QUERY;

    /** Stable lower-case name used in JSON, logs and metric labels. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
