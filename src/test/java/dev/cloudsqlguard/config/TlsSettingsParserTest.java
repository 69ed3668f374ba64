package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloudsqlguard.fixture.TestCertificates;
import dev.cloudsqlguard.fixture.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS keys of a target, read from real PEM files made by the test: every mode, the rules
 * between the keys, and each bad file (missing, a directory, not PEM, an encrypted key, a key of
 * another pair) as one problem naming its property, never quoting a key.
 */
class TlsSettingsParserTest {

    private static final String HOST = "guard.target.host";
    @TempDir
    static Path dir;
    private static Issued ca;
    private static Issued client;
    private static Path caFile;
    private static Path certFile;
    private static Path keyFile;

    @BeforeAll
    static void files() throws IOException {
        ca = TestCertificates.ca("parser test CA");
        client = TestCertificates.client(ca, "guard", false);
        caFile = write("ca.pem", ca.certificatePem());
        certFile = write("client.pem", client.certificatePem());
        keyFile = write("client.key", client.keyPkcs8());
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Map<String, String> tcp(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(HOST, "10.0.0.5");
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static TlsSettings parse(Map<String, String> raw) {
        return new SettingsParser().parse(raw).targets().get(0).tls();
    }

    private static ConfigProblem problem(Map<String, String> raw, String property, String... fragments) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> new SettingsParser().parse(raw));
        assertThat(e).as("expected a problem for %s", raw).isNotNull();
        return SettingsParserTest.single(e, property, fragments);
    }

    @Test
    void aTcpTargetPrefersTlsAndVerifiesNothingByDefault() {
        TlsSettings tls = parse(tcp());
        assertThat(tls.mode()).isEqualTo(TlsMode.PREFER);
        assertThat(tls.roots()).isEmpty();
        assertThat(tls.client()).isEmpty();
    }

    @Test
    void everyLibpqModeIsAccepted() {
        for (TlsMode mode : TlsMode.values()) {
            TlsSettings tls = mode == TlsMode.DISABLE ? parse(tcp("guard.target.ssl-mode", "DISABLE"))
                    : parse(tcp("guard.target.ssl-mode", mode.code(), "guard.target.ssl-root-cert", caFile.toString()));
            assertThat(tls.mode()).isEqualTo(mode);
            assertThat(tls.roots().isPresent()).isEqualTo(mode != TlsMode.DISABLE);
        }
        problem(tcp("guard.target.ssl-mode", "verify_full"), "guard.target.ssl-mode", "is not one of", "verify-full");
    }

    @Test
    void verifyFullWithRootsAndAClientCertificate() {
        TlsSettings tls = parse(tcp("guard.target.ssl-mode", "verify-full", "guard.target.ssl-root-cert", caFile.toString(),
                "guard.target.ssl-cert", certFile.toString(), "guard.target.ssl-key", keyFile.toString()));
        assertThat(tls.mode()).isEqualTo(TlsMode.VERIFY_FULL);
        assertThat(tls.roots().get().certificates()).containsExactly(ca.certificate());
        assertThat(tls.client().get().chain()).containsExactly(client.certificate());
        assertThat(tls.client().get().key()).isEqualTo(client.keys().getPrivate());
        assertThat(tls.client().get().toString()).contains("client.pem", "CN=guard").doesNotContain("BEGIN");
    }

    @Test
    void traditionalRsaAndEcKeysAreReadToo() throws IOException {
        Issued ec = TestCertificates.client(ca, "guard", true);
        for (Issued pair : List.of(client, ec)) {
            Path cert = write("t-" + pair.keys().getPrivate().getAlgorithm() + ".pem", pair.certificatePem());
            Path key = pair.writeKeyWithOpenssl(dir.resolve("t-" + pair.keys().getPrivate().getAlgorithm() + ".key"), true, null);
            assertThat(Files.readString(key)).contains(pair.keys().getPrivate().getAlgorithm() + " PRIVATE KEY");
            TlsSettings tls = parse(tcp("guard.target.ssl-cert", cert.toString(), "guard.target.ssl-key", key.toString()));
            assertThat(PemFiles.matches(tls.client().get().key(), pair.certificate())).isTrue(); // the startup check passed too
        }
    }

    @Test
    void systemTrustsTheJdkStore() {
        TlsSettings tls = parse(tcp("guard.target.ssl-mode", "verify-full", "guard.target.ssl-root-cert", "system"));
        assertThat(tls.roots().get().system()).isTrue();
    }

    @Test
    void verifyModesNeedRoots() {
        problem(tcp("guard.target.ssl-mode", "verify-ca"), "guard.target.ssl-mode", "needs guard.target.ssl-root-cert");
        problem(tcp("guard.target.ssl-mode", "verify-full"), "guard.target.ssl-mode", "needs guard.target.ssl-root-cert");
    }

    @Test
    void aMissingOrUnreadableFileNamesItsProperty() {
        problem(tcp("guard.target.ssl-root-cert", dir.resolve("nope.pem").toString()), "guard.target.ssl-root-cert",
                "cannot read", "NoSuchFileException");
        problem(tcp("guard.target.ssl-root-cert", dir.toString()), "guard.target.ssl-root-cert", "cannot read");
        problem(tcp("guard.target.ssl-root-cert", "ca.pem"), "guard.target.ssl-root-cert", "absolute path");
    }

    @Test
    void aFileThatIsNotPemNamesItsProperty() throws IOException {
        Path garbage = write("garbage.pem", "this is not a certificate\n");
        problem(tcp("guard.target.ssl-root-cert", garbage.toString()), "guard.target.ssl-root-cert", "holds no PEM certificate");
        Path broken = write("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n");
        problem(tcp("guard.target.ssl-root-cert", broken.toString()), "guard.target.ssl-root-cert", broken.toString());
        problem(tcp("guard.target.ssl-cert", certFile.toString(), "guard.target.ssl-key", certFile.toString()),
                "guard.target.ssl-key", "holds no PEM private key");
        problem(tcp("guard.target.ssl-cert", keyFile.toString(), "guard.target.ssl-key", keyFile.toString()),
                "guard.target.ssl-cert", "holds no PEM certificate");
    }

    @Test
    void anEncryptedKeyIsRefusedWithAWayOut() throws IOException {
        Path encrypted = client.writeKeyWithOpenssl(dir.resolve("enc.key"), false, "correct horse battery staple");
        assertThat(Files.readString(encrypted)).contains("BEGIN ENCRYPTED PRIVATE KEY");
        ConfigProblem p = problem(tcp("guard.target.ssl-cert", certFile.toString(), "guard.target.ssl-key",
                encrypted.toString()), "guard.target.ssl-key", "encrypted key", "openssl pkey");
        assertThat(p.message()).doesNotContain("correct horse");
    }

    @Test
    void aKeyOfAnotherPairIsRefused() throws IOException {
        Path otherKey = write("other.key", TestCertificates.client(ca, "guard", false).keyPkcs8());
        ConfigProblem p = problem(tcp("guard.target.ssl-cert", certFile.toString(), "guard.target.ssl-key",
                otherKey.toString()), "guard.target.ssl-key", "does not match the certificate in " + certFile);
        assertThat(p.message()).doesNotContain("PRIVATE");
    }

    @Test
    void certAndKeyGoTogether() {
        problem(tcp("guard.target.ssl-cert", certFile.toString()), "guard.target.ssl-cert", "needs guard.target.ssl-key");
        problem(tcp("guard.target.ssl-key", keyFile.toString()), "guard.target.ssl-key", "needs guard.target.ssl-cert");
    }

    @Test
    void disableTakesNoFiles() {
        problem(tcp("guard.target.ssl-mode", "disable", "guard.target.ssl-root-cert", caFile.toString()),
                "guard.target.ssl-root-cert", "no effect", "disable");
    }

    @Test
    void aSocketTargetTakesNoTlsDemands() {
        Map<String, String> socket = new LinkedHashMap<>();
        socket.put("guard.target.instance", "p:r:i");
        assertThat(new SettingsParser().parse(withKey(socket, "guard.target.ssl-mode", "prefer")).targets().get(0).tls())
                .isEqualTo(TlsSettings.NONE);
        problem(withKey(socket, "guard.target.ssl-mode", "verify-full"), "guard.target.ssl-mode", "TCP targets only");
        problem(withKey(socket, "guard.target.ssl-root-cert", caFile.toString()), "guard.target.ssl-root-cert",
                "TCP targets only");
    }

    @Test
    void aNamedTargetNamesItsOwnKeys() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("guard.targets.main.host", "10.0.0.5");
        raw.put("guard.targets.main.ssl-mode", "verify-ca");
        problem(raw, "guard.targets.main.ssl-mode", "needs guard.targets.main.ssl-root-cert");
    }

    private static Map<String, String> withKey(Map<String, String> base, String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }
}
