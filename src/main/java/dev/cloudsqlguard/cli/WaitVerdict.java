package dev.cloudsqlguard.cli;

import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import java.util.Optional;

/**
 * pg_isready's exit codes for the {@code wait} command: 0 the server accepts connections (and,
 * with credentials, runs the probe query); 1 it answered but rejected us; 2 no usable answer
 * before the timeout; 3 bad configuration or arguments.
 */
public final class WaitVerdict {

    public static final int READY = 0;
    public static final int REJECTING = 1;
    public static final int NO_RESPONSE = 2;
    public static final int BAD_CONFIGURATION = 3;

    private WaitVerdict() {
    }

    /** Exit code for the last probe seen (empty: none completed). */
    public static int exitCode(Optional<ProbeResult> last) {
        if (last.isEmpty()) {
            return NO_RESPONSE;
        }
        ProbeResult r = last.get();
        if (r.succeeded()) {
            return READY;
        }
        return rejecting(r.reason().orElseThrow()) ? REJECTING : NO_RESPONSE;
    }

    /** Reasons where the server itself answered with a refusal. */
    public static boolean rejecting(Reason reason) {
        return switch (reason) {
            case SERVER_STARTING, SERVER_SHUTTING_DOWN, TOO_MANY_CONNECTIONS, AUTH_FAILED, DATABASE_MISSING,
                    READ_ONLY, NOT_A_REPLICA, REPLICA_LAGGING, QUERY_FAILED, TLS_REQUIRED, TLS_UNAVAILABLE, TLS_FAILED -> true;
            default -> false;
        };
    }

    public static String describe(int code) {
        return switch (code) {
            case READY -> "ready";
            case REJECTING -> "server rejecting connections";
            case NO_RESPONSE -> "no response";
            default -> "bad configuration";
        };
    }
}
