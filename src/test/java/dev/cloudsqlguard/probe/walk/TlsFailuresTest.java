package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The words of {@code tls_failed}, from the exception chains the JDK builds (the real ones are
 * produced by StageWalkerTlsTest against a real server; these pin each branch).
 */
class TlsFailuresTest {

    private static SSLHandshakeException handshake(String message, Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException(message);
        e.initCause(cause);
        return e;
    }

    @Test
    void anExpiredCertificateSaysExpiredWhateverWraps() {
        CertPathValidatorException validity = new CertPathValidatorException("validity check failed",
                new CertificateExpiredException("NotAfter: Mon Nov 02 2026"), null, -1,
                CertPathValidatorException.BasicReason.EXPIRED);
        String d = TlsFailures.describe(handshake("PKIX path validation failed", validity), "10.0.0.3", "/ca.pem");
        assertThat(d).startsWith("certificate expired").contains("validity check failed");
    }

    @Test
    void aCertificateNotYetValidPointsAtTheClocks() {
        assertThat(TlsFailures.describe(handshake("x", new CertificateNotYetValidException("NotBefore: 2030")), "h", "r"))
                .startsWith("certificate not yet valid").contains("clocks");
    }

    @Test
    void aNameTheCertificateLacksIsAHostNameMismatch() {
        String d = TlsFailures.describe(handshake("No subject alternative names matching IP address 10.0.0.3 found",
                new CertificateException("No subject alternative names matching IP address 10.0.0.3 found")),
                "10.0.0.3", "/ca.pem");
        assertThat(d).startsWith("host name mismatch").contains("10.0.0.3");
        assertThat(TlsFailures.describe(new SSLHandshakeException("No name matching db.internal found"), "db.internal", "r"))
                .startsWith("host name mismatch");
    }

    @Test
    void aChainToNoTrustedRootIsUnknownCaNamingTheRoots() {
        String d = TlsFailures.describe(handshake("PKIX path building failed: unable to find valid certification path "
                + "to requested target", null), "h", "/secrets/server-ca.pem");
        assertThat(d).isEqualTo("unknown CA: the server's certificate does not chain to /secrets/server-ca.pem");
    }

    @Test
    void anAlertFromTheServerIsNamedWithAHint() {
        assertThat(TlsFailures.describe(new SSLHandshakeException("Received fatal alert: unknown_ca"), "h", "r"))
                .isEqualTo("the server refused the TLS handshake (alert unknown_ca): the server wants a client "
                        + "certificate it trusts (ssl-cert, ssl-key)");
        assertThat(TlsFailures.describe(new SSLHandshakeException("Received fatal alert: protocol_version"), "h", "r"))
                .endsWith("(alert protocol_version): no TLS version or cipher in common");
        assertThat(TlsFailures.describe(new SSLHandshakeException("Received fatal alert: decode_error"), "h", "r"))
                .isEqualTo("the server refused the TLS handshake (alert decode_error)");
    }

    @Test
    void anythingElseKeepsTheJdkWords() {
        assertThat(TlsFailures.describe(new SSLException("Unsupported or unrecognized SSL message"), "h", "r"))
                .isEqualTo("SSLException: Unsupported or unrecognized SSL message");
    }
}
