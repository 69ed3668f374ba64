package dev.cloudsqlguard.probe;

import java.time.Instant;
import java.util.Objects;

/**
 * What a probe's TLS handshake negotiated: shown in the status, and the server certificate's
 * expiry feeds {@code guard_tls_certificate_expiry_timestamp_seconds}.
 *
 * @param protocol          e.g. {@code TLSv1.3}
 * @param cipher            e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param certificateExpiry the server certificate's notAfter
 * @param verified          what was checked: {@code none}, {@code chain} or {@code chain and host name}
 */
public record TlsSession(String protocol, String cipher, Instant certificateExpiry, String verified) {

    public TlsSession {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(certificateExpiry, "certificateExpiry");
        Objects.requireNonNull(verified, "verified");
    }
}
