package dev.cloudsqlguard.probe;

import java.util.Locale;
import java.util.Optional;

/**
 * Stable reason codes for a failed probe (see the README's table). They are part of the external
 * contract: metric labels, alert rules and operators' runbooks key on them, so never rename one.
 */
public enum Reason {
    // socket stage
    SOCKET_MISSING(Stage.SOCKET, false, "the socket file does not exist: is the Cloud SQL proxy running and the volume mounted?"),
    NOT_A_SOCKET(Stage.SOCKET, true, "the path exists but is not a Unix socket"),
    DNS_FAILED(Stage.SOCKET, false, "the host name does not resolve"),
    // connect stage
    CONNECT_REFUSED(Stage.CONNECT, false, "nothing accepts connections (stale socket or closed port)"),
    CONNECT_TIMEOUT(Stage.CONNECT, false, "the connection was not established within the timeout (network, VPC connector, full backlog)"),
    IO_ERROR(Stage.CONNECT, false, "an I/O error broke the connection before the server answered"),
    // tls stage
    TLS_UNAVAILABLE(Stage.TLS, true, "the server declined TLS while ssl-mode requires it (ssl is off on the server, "
            + "or a pooler without TLS is in front of it)"),
    TLS_FAILED(Stage.TLS, true, "the TLS handshake or the certificate check failed (unknown CA, host name mismatch, "
            + "expired certificate, client certificate refused): see the detail"),
    // handshake stage
    HANDSHAKE_TIMEOUT(Stage.HANDSHAKE, false, "connected, but the server did not answer the startup message (or finish "
            + "the TLS handshake) within the timeout"),
    TLS_REQUIRED(Stage.HANDSHAKE, true, "the server refuses an unencrypted connection (hostssl only, Cloud SQL "
            + "ENCRYPTED_ONLY): set ssl-mode to require, verify-ca or verify-full"),
    SERVER_STARTING(Stage.HANDSHAKE, false, "the database system is starting up (57P03)"),
    SERVER_SHUTTING_DOWN(Stage.HANDSHAKE, false, "the database system is shutting down (57P01/57P02)"),
    TOO_MANY_CONNECTIONS(Stage.HANDSHAKE, false, "the server has no free connection slot (53300)"),
    PROTOCOL_ERROR(Stage.HANDSHAKE, false, "the peer did not speak the PostgreSQL protocol"),
    // query stage
    AUTH_FAILED(Stage.QUERY, true, "authentication failed (28P01/28000): check the user and password"),
    DATABASE_MISSING(Stage.QUERY, true, "the database does not exist (3D000)"),
    READ_ONLY(Stage.QUERY, false, "the server is a read-only replica or in recovery, and a primary is required"),
    NOT_A_REPLICA(Stage.QUERY, false, "the server is not in recovery, and a replica is required (a promoted replica, or the wrong host)"),
    REPLICA_LAGGING(Stage.QUERY, false, "the replica answers, but its replay is further behind the primary than "
            + "max-replication-lag: reads there are stale"),
    QUERY_TIMEOUT(Stage.QUERY, false, "the probe query did not complete within the timeout"),
    QUERY_FAILED(Stage.QUERY, false, "the probe query failed");

    private static final String MISCONFIGURATION_ACTION =
            "misconfiguration: waiting will not fix this; correct the configuration or the database";

    private final Stage stage;
    private final boolean misconfiguration;
    private final String explanation;

    Reason(Stage stage, boolean misconfiguration, String explanation) {
        this.stage = stage;
        this.misconfiguration = misconfiguration;
        this.explanation = explanation;
    }

    /** Stable lower-case code, e.g. {@code handshake_timeout}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage this reason is normally reported at (io_error may also come from the handshake). */
    public Stage usualStage() {
        return stage;
    }

    /**
     * True when the failure is a configuration mistake that waiting will not repair: the guard
     * still reports it DOWN, but says plainly that an operator must act.
     */
    public boolean misconfiguration() {
        return misconfiguration;
    }

    /** One sentence an on-call engineer can act on. */
    public String explanation() {
        return explanation;
    }

    /**
     * What an operator must do, for a misconfiguration (the one wording every signal uses): the
     * guard keeps probing, but waiting will not fix it.
     */
    public Optional<String> action() {
        return misconfiguration ? Optional.of(MISCONFIGURATION_ACTION) : Optional.empty();
    }
}
