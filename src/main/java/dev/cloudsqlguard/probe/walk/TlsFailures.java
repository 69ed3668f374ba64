package dev.cloudsqlguard.probe.walk;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in words why a TLS handshake failed, from the JDK's exception: the detail of
 * {@code tls_failed} names the check that refused (unknown CA, host name mismatch, expired) or
 * the alert the server sent. Pure: it reads the exception's chain, nothing else.
 */
final class TlsFailures {

    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

    private TlsFailures() {
    }

    /**
     * @param e     the exception of the handshake
     * @param host  the host the certificate had to name
     * @param roots where the trust roots came from
     */
    static String describe(Throwable e, String host, String roots) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || reason(t, CertPathValidatorException.BasicReason.EXPIRED)) {
                return "certificate expired: the server's certificate (or one of its CAs) is past its notAfter date ("
                        + message(t) + ")";
            }
            if (t instanceof CertificateNotYetValidException
                    || reason(t, CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return "certificate not yet valid: check the clocks (" + message(t) + ")";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = message(t);
            if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
                return "host name mismatch: the server's certificate does not name " + host + " (" + m + ")";
            }
            if (m.contains("unable to find valid certification path") || m.contains("PKIX path")
                    || reason(t, CertPathValidatorException.BasicReason.UNSPECIFIED) && m.contains("anchor")) {
                return "unknown CA: the server's certificate does not chain to " + roots;
            }
        }
        String top = message(e);
        Matcher alert = ALERT.matcher(top);
        if (alert.find()) {
            String name = alert.group(1);
            String hint = switch (name.toLowerCase(Locale.ROOT)) {
                case "certificate_required", "bad_certificate", "unknown_ca", "certificate_unknown",
                        "access_denied", "certificate_expired", "certificate_revoked" ->
                        ": the server wants a client certificate it trusts (ssl-cert, ssl-key)";
                case "protocol_version", "handshake_failure", "insufficient_security" ->
                        ": no TLS version or cipher in common";
                default -> "";
            };
            return "the server refused the TLS handshake (alert " + name + ")" + hint;
        }
        return e.getClass().getSimpleName() + ": " + top;
    }

    private static boolean reason(Throwable t, CertPathValidatorException.BasicReason reason) {
        return t instanceof CertPathValidatorException v && v.getReason() == reason;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
