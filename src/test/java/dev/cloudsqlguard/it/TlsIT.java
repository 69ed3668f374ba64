package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.fixture.TestCertificates;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * TLS on a private-IP shaped target, black-box: the packaged guard (jar or native) is ready over
 * {@code verify-full} with a client certificate, reports the tls stage, the session and the
 * certificate's expiry (status and metric) and never the key; a plain connection to a server that
 * takes only TLS is {@code tls_required}; bad certificate settings stop it with exit code 3 and one
 * line naming the property.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TlsResource.class, restrictToAnnotatedClass = true)
class TlsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(40);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static Map<String, String> env(String mode) {
        Map<String, String> env = new HashMap<>();
        env.put("GUARD_TARGET_HOST", TlsResource.server().host());
        env.put("GUARD_TARGET_USER", TlsResource.server().db().user());
        env.put("GUARD_TARGET_PASSWORD", TlsResource.server().db().password());
        env.put("GUARD_TARGET_DATABASE", TlsResource.server().db().database());
        env.put("GUARD_TARGET_SSL_MODE", mode);
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        return env;
    }

    @Test
    void readyOverVerifyFullWithTheSessionInStatusAndMetrics() {
        await().atMost(PATIENCE).until(() -> Guard.code("/q/health/ready") == 200);
        JsonPath target = JsonPath.from(Guard.status().prettify()).setRootPath("targets[0]");
        assertThat(target.getString("last_probe.stage")).isEqualTo("query");
        assertThat(target.getMap("last_walk.stages_ms")).containsKeys("socket", "connect", "tls", "handshake", "query");
        assertThat(target.getString("tls.protocol")).startsWith("TLSv1.");
        assertThat(target.getString("tls.cipher")).startsWith("TLS_");
        assertThat(target.getString("tls.verified")).isEqualTo("chain and host name");
        Instant expiry = Instant.parse(target.getString("tls.certificate_expires_at"));
        assertThat(expiry).isAfter(Instant.now().plus(Duration.ofDays(89)));

        String metrics = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("guard_tls_certificate_expiry_timestamp_seconds{")
                && l.contains("target=\"private\"")).map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))))
                .singleElement().isEqualTo((double) expiry.getEpochSecond());
        assertThat(metrics).contains("guard_probe_duration_seconds_count{stage=\"tls\",target=\"private\"");

        String key = Base64.getEncoder().encodeToString(TlsResource.client().keys().getPrivate().getEncoded()).substring(0, 40);
        assertThat(Guard.status().prettify()).doesNotContain(key).doesNotContain("PRIVATE KEY")
                .doesNotContain(TlsResource.server().db().password());
        assertThat(metrics).doesNotContain(key).doesNotContain(TlsResource.server().db().password());
    }

    @Test
    void aPlainConnectionToAServerThatTakesOnlyTlsIsTlsRequired() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env("disable"), LIMIT, "wait", "--timeout", "2s");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.stdout()).contains("tls_required").contains("no encryption");
        assertThat(run.all()).doesNotContain(TlsResource.server().db().password());
    }

    @Test
    void badCertificateSettingsExitThreeWithOneLineNamingTheProperty() throws Exception {
        Map<String, String> missing = env("verify-full");
        missing.put("GUARD_TARGET_SSL_ROOT_CERT", "/nonexistent/server-ca.pem");
        assertBadConfiguration(missing, "guard.target.ssl-root-cert", "cannot read /nonexistent/server-ca.pem");

        Map<String, String> notPem = env("verify-ca");
        notPem.put("GUARD_TARGET_SSL_ROOT_CERT", TlsResource.server().file("not-a-cert.pem", "hello\n").toString());
        assertBadConfiguration(notPem, "guard.target.ssl-root-cert", "holds no PEM certificate");

        Path otherKey = TlsResource.server().file("other.key",
                TestCertificates.client(TlsResource.server().ca(), "x", false).keyPkcs8());
        Map<String, String> mismatch = env("verify-full");
        mismatch.put("GUARD_TARGET_SSL_ROOT_CERT", TlsResource.server().caFile().toString());
        mismatch.put("GUARD_TARGET_SSL_CERT", TlsResource.clientCert().toString());
        mismatch.put("GUARD_TARGET_SSL_KEY", otherKey.toString());
        assertBadConfiguration(mismatch, "guard.target.ssl-key", "does not match the certificate");
    }

    private static void assertBadConfiguration(Map<String, String> env, String property, String fragment)
            throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "wait");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.stderr().lines().filter(l -> l.contains("invalid configuration"))).as(run.all()).singleElement()
                .asString().contains(property + ": ").contains(fragment);
        assertThat(run.all()).doesNotContain("PRIVATE KEY").doesNotContain(TlsResource.server().db().password());
    }
}
