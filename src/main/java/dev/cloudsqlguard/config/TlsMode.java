package dev.cloudsqlguard.config;

import java.util.Locale;

/**
 * A TCP target's {@code ssl-mode}, with libpq's names and meanings. The chain of the server's
 * certificate is verified whenever {@code ssl-root-cert} is set and TLS is used (as libpq does when
 * its root certificate file exists); the host name only in {@link #VERIFY_FULL}.
 */
public enum TlsMode {
    /** Never TLS. */
    DISABLE,
    /** Plain first; TLS only when the server refuses an unencrypted connection. */
    ALLOW,
    /** TLS when the server offers it, plain when it declines (the default for TCP). */
    PREFER,
    /** TLS or nothing; the certificate is not verified unless {@code ssl-root-cert} is set. */
    REQUIRE,
    /** TLS, and the server's certificate must chain to {@code ssl-root-cert}. */
    VERIFY_CA,
    /** As {@link #VERIFY_CA}, and the certificate must name the host. */
    VERIFY_FULL;

    /** The libpq spelling, e.g. {@code verify-full}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the first connection attempt sends SSLRequest. */
    public boolean triesTlsFirst() {
        return this != DISABLE && this != ALLOW;
    }

    /** Whether a server that declines TLS is a failure ({@code tls_unavailable}). */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    /** Whether the mode cannot work without trust anchors. */
    public boolean needsRootCert() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
