package dev.cloudsqlguard.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The client certificate a target presents (Cloud SQL's {@code TRUSTED_CLIENT_CERTIFICATE_REQUIRED},
 * or {@code hostssl ... cert} in {@code pg_hba.conf}), read and checked at startup. A class, not a
 * record: its {@link #toString()} must never print the key.
 */
public final class ClientCertificate {

    private final Path certificateFile;
    private final Path keyFile;
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    public ClientCertificate(Path certificateFile, Path keyFile, List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a client certificate needs at least one certificate");
        }
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /** The client's certificate first, then any intermediates from the same file. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public PrivateKey key() {
        return key;
    }

    @Override
    public String toString() {
        return "client certificate " + certificateFile + " (" + chain.get(0).getSubjectX500Principal().getName()
                + "), key " + keyFile;
    }
}
