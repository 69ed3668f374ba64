package dev.cloudsqlguard.it;

import dev.cloudsqlguard.fixture.TestCertificates;
import dev.cloudsqlguard.fixture.TestCertificates.Issued;
import dev.cloudsqlguard.fixture.TlsServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL that takes TCP clients over TLS only ({@code hostssl}), and the packaged guard
 * probing it over TCP with {@code verify-full} and a client certificate: the private-IP shape of
 * Cloud SQL with {@code ENCRYPTED_ONLY} and client certificates.
 */
public class TlsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TlsServer server;
    private static volatile Issued client;
    private static volatile Path clientCert;
    private static volatile Path clientKey;

    static TlsServer server() {
        return server;
    }

    static Issued client() {
        return client;
    }

    static Path clientCert() {
        return clientCert;
    }

    static Path clientKey() {
        return clientKey;
    }

    @Override
    public Map<String, String> start() {
        server = TlsServer.start();
        client = TestCertificates.client(server.ca(), server.db().user(), false);
        clientCert = server.file("client.crt", client.certificatePem());
        clientKey = server.file("client.key", client.keyPkcs8());
        Map<String, String> config = new LinkedHashMap<>();
        config.put("guard.target.host", server.host());
        config.put("guard.target.name", "private");
        config.put("guard.target.user", server.db().user());
        config.put("guard.target.password", server.db().password());
        config.put("guard.target.database", server.db().database());
        config.put("guard.target.ssl-mode", "verify-full");
        config.put("guard.target.ssl-root-cert", server.caFile().toString());
        config.put("guard.target.ssl-cert", clientCert.toString());
        config.put("guard.target.ssl-key", clientKey.toString());
        config.put("guard.probe.timeout", "5s"); // a cold JVM's first TLS handshake and SCRAM login
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
