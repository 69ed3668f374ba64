package dev.cloudsqlguard.probe.wire;

import dev.cloudsqlguard.probe.Reason;
import java.util.Optional;

/**
 * Maps a SQLSTATE sent by the server to a reason code. Pure: no I/O, no state.
 *
 * <p>At the handshake the guard follows pg_isready: an error response still proves the server
 * is up, except the states that mean "this server cannot take your connection now". The query
 * stage is stricter: any error there means the app's own session would fail too.
 */
public final class SqlStateClassifier {

    private SqlStateClassifier() {
    }

    /**
     * Classifies an ErrorResponse received in answer to the StartupMessage.
     *
     * @return the failure reason, or empty when the error still proves the server is accepting
     *         connections (e.g. 28P01 or 3D000: the query stage reports those)
     */
    public static Optional<Reason> atHandshake(String sqlState) {
        if (sqlState == null) {
            return Optional.of(Reason.PROTOCOL_ERROR);
        }
        return switch (sqlState) {
            case "57P03" -> Optional.of(Reason.SERVER_STARTING);
            case "57P01", "57P02" -> Optional.of(Reason.SERVER_SHUTTING_DOWN);
            case "53300" -> Optional.of(Reason.TOO_MANY_CONNECTIONS);
            case "08P01", "0A000" -> Optional.of(Reason.PROTOCOL_ERROR);
            default -> Optional.empty();
        };
    }

    /**
     * Whether an error in answer to an unencrypted StartupMessage says the server takes only TLS
     * connections: pg_hba.conf has only {@code hostssl} lines for this client, which PostgreSQL
     * reports as 28000 "no pg_hba.conf entry for host ..., no encryption" ("SSL off" before 12).
     */
    public static boolean refusesUnencrypted(String sqlState, String message) {
        return "28000".equals(sqlState) && message != null
                && (message.endsWith("no encryption") || message.endsWith("SSL off"));
    }

    /** Classifies an error raised while opening the authenticated session or running the probe query. */
    public static Reason atQuery(String sqlState) {
        if (sqlState == null) {
            return Reason.QUERY_FAILED;
        }
        return switch (sqlState) {
            case "28P01", "28000" -> Reason.AUTH_FAILED;
            case "3D000" -> Reason.DATABASE_MISSING;
            case "25006" -> Reason.READ_ONLY;
            case "57P03" -> Reason.SERVER_STARTING;
            case "57P01", "57P02" -> Reason.SERVER_SHUTTING_DOWN;
            case "53300" -> Reason.TOO_MANY_CONNECTIONS;
            case "57014" -> Reason.QUERY_TIMEOUT;
            default -> Reason.QUERY_FAILED;
        };
    }
}
