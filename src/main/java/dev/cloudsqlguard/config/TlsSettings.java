package dev.cloudsqlguard.config;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * How the probes of one TCP target use TLS: the mode, what the server's certificate must chain
 * to (if anything) and the client certificate to present (if any). A socket target has
 * {@link #NONE}: the Cloud SQL proxy encrypts, and PostgreSQL never uses TLS on a Unix socket.
 *
 * @param mode   libpq's {@code sslmode}
 * @param roots  trust anchors for the server's certificate; empty: the chain is not verified
 * @param client the client certificate and key, for {@code TRUSTED_CLIENT_CERTIFICATE_REQUIRED}
 */
public record TlsSettings(TlsMode mode, Optional<TrustRoots> roots, Optional<ClientCertificate> client) {

    /** No TLS: a socket target, or {@code ssl-mode=disable}. */
    public static final TlsSettings NONE = new TlsSettings(TlsMode.DISABLE, Optional.empty(), Optional.empty());

    public TlsSettings {
        if (mode.needsRootCert() && roots.isEmpty()) {
            throw new IllegalArgumentException(mode.code() + " needs trust roots");
        }
    }

    /** Whether a probe may use TLS at all. */
    public boolean enabled() {
        return mode != TlsMode.DISABLE;
    }

    /**
     * What the server's certificate must chain to.
     *
     * @param source       the file it came from, or {@code system} for the JDK's trust store
     * @param certificates the CA certificates of the file (empty for {@code system})
     */
    public record TrustRoots(String source, List<X509Certificate> certificates) {

        public static final String SYSTEM = "system";

        public TrustRoots {
            certificates = List.copyOf(certificates);
        }

        public boolean system() {
            return SYSTEM.equals(source);
        }
    }
}
