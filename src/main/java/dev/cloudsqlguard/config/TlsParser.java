package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_CERT;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_KEY;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_MODE;
import static dev.cloudsqlguard.config.Catalogue.TARGET_SSL_ROOT_CERT;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Reads a target's {@code ssl-mode}, {@code ssl-root-cert}, {@code ssl-cert} and {@code ssl-key}
 * into {@link TlsSettings}, reading and checking every file at startup: a missing, unreadable or
 * non-PEM file, an encrypted key or a key that does not belong to the certificate is one problem
 * naming its property. TLS applies to TCP targets only: on a socket target the files, or a mode
 * that demands TLS, are a problem (the proxy encrypts; PostgreSQL never negotiates TLS on a Unix socket).
 */
final class TlsParser {

    private static final List<Property<?>> KEYS = List.of(TARGET_SSL_MODE, TARGET_SSL_ROOT_CERT, TARGET_SSL_CERT,
            TARGET_SSL_KEY);

    private final TargetValues t;
    private final SettingsParser.FileReader files;

    TlsParser(TargetValues t, SettingsParser.FileReader files) {
        this.t = t;
        this.files = files;
    }

    /** @param endpoint the target's endpoint, or null when it is misconfigured (a problem already says so) */
    TlsSettings parse(Endpoint endpoint) {
        if (endpoint instanceof Endpoint.UnixSocket) {
            // like libpq, a mode that merely allows TLS is moot on a socket; one that demands it is a mistake
            KEYS.stream().filter(t::isSet)
                    .filter(p -> p != TARGET_SSL_MODE || t.value(TARGET_SSL_MODE).map(TlsMode::requiresTls).orElse(false))
                    .forEach(p -> t.problem(p, "applies to TCP targets only: the Cloud SQL proxy encrypts the "
                            + "connection behind its socket, and PostgreSQL has no TLS on a Unix socket"));
            return TlsSettings.NONE;
        }
        TlsMode mode = t.valueOrDefault(TARGET_SSL_MODE);
        if (mode == TlsMode.DISABLE) {
            // the files are not read: one line per key says they are moot
            KEYS.stream().skip(1).filter(t::isSet).forEach(p -> t.problem(p, "has no effect with "
                    + t.key(TARGET_SSL_MODE) + "=disable"));
            return TlsSettings.NONE;
        }
        Optional<TlsSettings.TrustRoots> roots = roots(mode);
        Optional<ClientCertificate> client = client();
        if (mode.needsRootCert() && roots.isEmpty()) {
            return TlsSettings.NONE; // the problem is recorded: startup fails
        }
        return new TlsSettings(mode, roots, client);
    }

    private Optional<TlsSettings.TrustRoots> roots(TlsMode mode) {
        Optional<String> source = t.value(TARGET_SSL_ROOT_CERT);
        if (source.isEmpty()) {
            if (mode.needsRootCert()) {
                t.problem(TARGET_SSL_MODE, "=" + mode.code() + " needs " + t.key(TARGET_SSL_ROOT_CERT)
                        + " (a PEM file of the server's CA, e.g. Cloud SQL's server-ca.pem, or 'system')");
            }
            return Optional.empty();
        }
        if (TlsSettings.TrustRoots.SYSTEM.equals(source.get())) {
            return Optional.of(new TlsSettings.TrustRoots(TlsSettings.TrustRoots.SYSTEM, List.of()));
        }
        return pem(TARGET_SSL_ROOT_CERT, source.get(), PemFiles::certificates)
                .map(certificates -> new TlsSettings.TrustRoots(source.get(), certificates));
    }

    private Optional<ClientCertificate> client() {
        Optional<Path> certFile = t.value(TARGET_SSL_CERT);
        Optional<Path> keyFile = t.value(TARGET_SSL_KEY);
        if (certFile.isPresent() != keyFile.isPresent()) {
            if (certFile.isPresent()) {
                t.problem(TARGET_SSL_CERT, "needs " + t.key(TARGET_SSL_KEY) + " (the certificate's private key)");
            } else if (t.text(TARGET_SSL_KEY).isPresent() && t.text(TARGET_SSL_CERT).isEmpty()) {
                t.problem(TARGET_SSL_KEY, "needs " + t.key(TARGET_SSL_CERT) + " (the client certificate)");
            }
            return Optional.empty();
        }
        if (certFile.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<X509Certificate>> chain = pem(TARGET_SSL_CERT, certFile.get().toString(), PemFiles::certificates);
        Optional<PrivateKey> key = pem(TARGET_SSL_KEY, keyFile.get().toString(), PemFiles::privateKey);
        if (chain.isEmpty() || key.isEmpty()) {
            return Optional.empty();
        }
        if (!PemFiles.matches(key.get(), chain.get().get(0))) {
            t.problem(TARGET_SSL_KEY, "does not match the certificate in " + certFile.get()
                    + " (a key from another pair?)");
            return Optional.empty();
        }
        return Optional.of(new ClientCertificate(certFile.get(), keyFile.get(), chain.get(), key.get()));
    }

    /** How one PEM file becomes a value, or why it cannot. */
    private interface PemReading<T> {
        T read(String pem, String file) throws PemFiles.Rejected;
    }

    /** Reads {@code file} and turns it into a value; either failure is one problem on {@code property}. */
    private <T> Optional<T> pem(Property<?> property, String file, PemReading<T> reading) {
        return read(property, file).flatMap(pem -> {
            try {
                return Optional.of(reading.read(pem, file));
            } catch (PemFiles.Rejected e) {
                t.problem(property, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<String> read(Property<?> property, String file) {
        try {
            return Optional.of(files.read(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            t.problem(property, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }
}
