package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.ClientCertificate;
import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.PasswordSource;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsMode;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.fixture.PgFixture;
import dev.cloudsqlguard.fixture.TestCertificates;
import dev.cloudsqlguard.fixture.TestCertificates.Issued;
import dev.cloudsqlguard.fixture.TlsServer;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The tls stage and the query stage over TLS against a real PostgreSQL with {@code ssl=on},
 * {@code hostssl}-only rules and certificates made by the test: every mode, and each way TLS
 * fails (unknown CA, host name mismatch, expired, a server without TLS, a client certificate the
 * server does not trust). The tests that change the server's certificate or TLS run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StageWalkerTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static TlsServer server;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        server = TlsServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static TlsSettings.TrustRoots roots(Path file) {
        try {
            String pem = java.nio.file.Files.readString(file);
            List<java.security.cert.X509Certificate> certs = new java.util.ArrayList<>();
            for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes()))) {
                certs.add((java.security.cert.X509Certificate) c);
            }
            return new TlsSettings.TrustRoots(file.toString(), certs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TlsSettings tls(TlsMode mode, Path roots) {
        return new TlsSettings(mode, Optional.ofNullable(roots).map(StageWalkerTlsTest::roots), Optional.empty());
    }

    private static ProbeResult probe(String host, String user, String password, TlsSettings tls) {
        PgFixture db = server.db();
        TargetSettings target = new TargetSettings("t", new Endpoint.Tcp(host, PgFixture.PORT), db.database(),
                Optional.ofNullable(user), Optional.ofNullable(password).map(PasswordSource::literal), Role.ANY, true, tls, Optional.empty());
        ProbeSettings settings = new ProbeSettings(Duration.ofSeconds(2), TIMEOUT, Duration.ofMillis(300),
                Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(5), "SELECT 1", Duration.ofMinutes(10), 10f);
        try (StageWalker walker = new StageWalker(target, settings,
                VertxQueryStage.of(target, settings, () -> vertx, System::nanoTime), Clock.systemUTC(), System::nanoTime)) {
            return walker.probe();
        }
    }

    private static ProbeResult probe(TlsSettings tls) {
        return probe(server.host(), server.db().user(), server.db().password(), tls);
    }

    private static void assertFailed(ProbeResult r, Stage stage, Reason reason, String detail) {
        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.FAILED);
        assertThat(r.reason()).as("%s", r).contains(reason);
        assertThat(r.stage()).as("%s", r).isEqualTo(stage);
        assertThat(r.detail()).as("%s", r).contains(detail);
    }

    @Test
    @Order(1)
    void verifyFullChecksChainAndHostNameAndReportsTheSession() throws Exception {
        ProbeResult r = probe(tls(TlsMode.VERIFY_FULL, server.caFile()));
        assertThat(r.succeeded()).as("%s", r).isTrue();
        assertThat(r.stage()).isEqualTo(Stage.QUERY);
        assertThat(r.latencies()).containsOnlyKeys(Stage.SOCKET, Stage.CONNECT, Stage.TLS, Stage.HANDSHAKE, Stage.QUERY);
        assertThat(r.tls()).hasValueSatisfying(s -> {
            assertThat(s.protocol()).startsWith("TLSv1.");
            assertThat(s.cipher()).startsWith("TLS_");
            assertThat(s.verified()).isEqualTo("chain and host name");
        });
        Instant notAfter = Instant.now().plus(Duration.ofDays(90));
        assertThat(r.tls().get().certificateExpiry()).isBetween(notAfter.minus(Duration.ofHours(2)), notAfter);
    }

    @Test
    @Order(2)
    void preferAndRequireWithoutRootsEncryptButVerifyNothing() {
        for (TlsMode mode : List.of(TlsMode.PREFER, TlsMode.REQUIRE)) {
            ProbeResult r = probe(tls(mode, null));
            assertThat(r.succeeded()).as("%s %s", mode, r).isTrue();
            assertThat(r.tls()).as("%s", mode).hasValueSatisfying(s -> assertThat(s.verified()).isEqualTo("none"));
        }
    }

    @Test
    @Order(3)
    void aServerThatTakesOnlyTlsRefusesDisableAsTlsRequiredAndAllowRetriesWithTls() {
        ProbeResult plain = probe(TlsSettings.NONE);
        assertFailed(plain, Stage.HANDSHAKE, Reason.TLS_REQUIRED, "no encryption");
        assertThat(plain.latencies()).doesNotContainKey(Stage.TLS);
        assertThat(plain.sqlState()).contains("28000");

        ProbeResult allow = probe(tls(TlsMode.ALLOW, null));
        assertThat(allow.succeeded()).as("%s", allow).isTrue();
        assertThat(allow.tls()).isPresent();
    }

    @Test
    @Order(4)
    void aCertificateFromAnotherCaIsUnknownCa() {
        ProbeResult r = probe(tls(TlsMode.VERIFY_CA, server.otherCaFile()));
        assertFailed(r, Stage.TLS, Reason.TLS_FAILED, "unknown CA");
        assertThat(r.detail()).contains(server.otherCaFile().toString());
        // require with a root certificate verifies the chain too, as libpq does
        assertFailed(probe(tls(TlsMode.REQUIRE, server.otherCaFile())), Stage.TLS, Reason.TLS_FAILED, "unknown CA");
    }

    @Test
    @Order(5)
    void aClientCertificateLogsInTheUserItNames() {
        Issued client = TestCertificates.client(server.ca(), TlsServer.CERT_USER, true);
        TlsSettings withCert = new TlsSettings(TlsMode.VERIFY_FULL, Optional.of(roots(server.caFile())),
                Optional.of(new ClientCertificate(Path.of("/c.pem"), Path.of("/k.pem"), List.of(client.certificate()),
                        client.keys().getPrivate())));
        ProbeResult r = probe(server.host(), TlsServer.CERT_USER, null, withCert);
        assertThat(r.succeeded()).as("%s", r).isTrue();
        assertThat(r.stage()).isEqualTo(Stage.QUERY);

        ProbeResult without = probe(server.host(), TlsServer.CERT_USER, null, tls(TlsMode.VERIFY_FULL, server.caFile()));
        assertFailed(without, Stage.QUERY, Reason.AUTH_FAILED, "set ssl-cert and ssl-key");

        Issued stranger = TestCertificates.client(TestCertificates.ca("not the server's CA"), TlsServer.CERT_USER, false);
        TlsSettings strangerCert = new TlsSettings(TlsMode.VERIFY_FULL, Optional.of(roots(server.caFile())),
                Optional.of(new ClientCertificate(Path.of("/c.pem"), Path.of("/k.pem"), List.of(stranger.certificate()),
                        stranger.keys().getPrivate())));
        // offered although the server names another CA (as libpq does): the server refuses it in the handshake
        ProbeResult refused = probe(server.host(), TlsServer.CERT_USER, null, strangerCert);
        // TLS 1.3: the server's refusal arrives after the client's side of the handshake, with the first answer
        assertThat(refused.reason()).as("%s", refused).contains(Reason.TLS_FAILED);
        assertThat(refused.stage()).isIn(Stage.TLS, Stage.HANDSHAKE);
        assertThat(refused.detail()).contains("the server refused the TLS handshake (alert unknown_ca)");
        assertThat(refused.detail()).contains("client certificate it trusts");
    }

    @Test
    @Order(10)
    void aCertificateThatDoesNotNameTheHostIsAHostNameMismatchUnderVerifyFullOnly() {
        server.useCertificate(TestCertificates.server(server.ca(), List.of(TlsServer.DNS_NAME), List.of()));
        ProbeResult r = probe(tls(TlsMode.VERIFY_FULL, server.caFile()));
        assertFailed(r, Stage.TLS, Reason.TLS_FAILED, "host name mismatch");
        assertThat(r.detail()).contains(server.host());
        ProbeResult ca = probe(tls(TlsMode.VERIFY_CA, server.caFile()));
        assertThat(ca.succeeded()).as("verify-ca does not check the name: %s", ca).isTrue();
        assertThat(ca.tls()).hasValueSatisfying(s -> assertThat(s.verified()).isEqualTo("chain"));
    }

    @Test
    @Order(11)
    void anExpiredCertificateIsReportedAsExpired() {
        Instant past = Instant.now().minus(Duration.ofDays(30));
        server.useCertificate(TestCertificates.server(server.ca(), "expired", List.of(), List.of(server.host()),
                past.minus(Duration.ofDays(60)), past));
        assertFailed(probe(tls(TlsMode.VERIFY_CA, server.caFile())), Stage.TLS, Reason.TLS_FAILED, "certificate expired");
        ProbeResult unverified = probe(tls(TlsMode.REQUIRE, null));
        assertThat(unverified.succeeded()).as("require without roots checks nothing: %s", unverified).isTrue();
        assertThat(unverified.tls().get().certificateExpiry()).isBefore(Instant.now());
    }

    @Test
    @Order(12)
    void aServerWithoutTlsIsTlsUnavailableWhenTheModeRequiresIt() {
        server.setSsl(false);
        try {
            ProbeResult r = probe(tls(TlsMode.REQUIRE, null));
            assertFailed(r, Stage.TLS, Reason.TLS_UNAVAILABLE, "declined TLS");
            ProbeResult prefer = probe(tls(TlsMode.PREFER, null));
            assertFailed(prefer, Stage.HANDSHAKE, Reason.TLS_REQUIRED, "no encryption");
            assertThat(prefer.latencies()).as("declined: no tls stage").doesNotContainKey(Stage.TLS);
        } finally {
            server.setSsl(true);
        }
    }
}
