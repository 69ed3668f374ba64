package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cloudsqlguard.fixture.PgFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged executable's {@code diagnose} command against a real PostgreSQL: a healthy server, a
 * frozen one, a missing socket and wrong credentials, each with its verdict, its exit code, and no
 * secret in the report.
 */
class DiagnoseIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final String WRONG_PASSWORD = "not-the-password-7f3a";
    private static PgFixture db;
    private static Path scratch;

    @BeforeAll
    static void database() throws Exception {
        db = PgFixture.create();
        scratch = Files.createTempDirectory("guard-diagnose-it-");
    }

    @AfterAll
    static void cleanup() {
        if (db != null) {
            db.close();
        }
        PgFixture.deleteRecursively(scratch);
    }

    private static Map<String, String> env() {
        Map<String, String> env = PackagedGuard.targetEnv(db);
        // a cold JVM's first SCRAM exchange on a busy machine can take longer than the 1 s default stage bound
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        return env;
    }

    private static void assertNoSecret(PackagedGuard.Run run, String... secrets) {
        for (String secret : secrets) {
            assertThat(run.all()).as("the report shows no secret").doesNotContain(secret);
        }
    }

    @Test
    void aHealthyServerIsHealthyWithEveryFigure() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "diagnose", "--probes", "3");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.stdout())
                .contains("target " + db.instance() + ": unix:" + db.socketFile())
                .contains("probes: 3 walks of a new connection")
                .containsPattern("socket +[0-9.]+ +[0-9.]+ +[0-9.]+")
                .containsPattern("handshake +[0-9.]+")
                .contains("authentication: the server asks for SCRAM-SHA-256")
                .containsPattern("server: PostgreSQL [0-9]+\\.[0-9]+.*, not in recovery \\(a primary\\)")
                .containsPattern("connections: [0-9]+ of " + PgFixture.MAX_CONNECTIONS + " usable in use")
                .contains("verdict: healthy: the database answered 3 of 3 probes")
                .contains("exit 0");
        assertNoSecret(run, db.password());
    }

    @Test
    void theJsonReportCarriesTheSameFacts() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "diagnose", "--probes", "2", "--json");
        assertThat(run.exitCode()).as(run.all()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.stdout());
        JsonNode target = doc.path("targets").get(0);
        assertThat(target.path("verdict").path("layer").asText()).isEqualTo("healthy");
        assertThat(target.path("probes")).hasSize(2);
        assertThat(target.path("stages_ms").path("handshake").path("median").isNumber()).isTrue();
        assertThat(target.path("authentication").asText()).isEqualTo("SCRAM-SHA-256");
        assertThat(target.path("connections").path("limit").asInt()).isEqualTo(PgFixture.MAX_CONNECTIONS);
        assertThat(target.path("server_version").asText()).matches("[0-9]+\\.[0-9]+.*");
        assertThat(doc.path("exit_code").asInt()).isZero();
        assertNoSecret(run, db.password());
    }

    @Test
    void aFrozenServerIsANetworkHangWithNoAnswer() throws Exception {
        Map<String, String> env = env();
        env.put("GUARD_PROBE_TIMEOUT", "1s");
        try {
            db.freeze();
            PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "diagnose", "--probes", "2");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
            assertThat(run.stdout()).contains("verdict: network:").contains("handshake_timeout").contains("exit 2");
            assertNoSecret(run, db.password());
        } finally {
            db.resume();
        }
    }

    @Test
    void aMissingSocketIsTheMount() throws Exception {
        Map<String, String> env = env();
        env.put("GUARD_TARGET_SOCKET_DIR", scratch.resolve("no-cloudsql").toString());
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "diagnose", "--probes", "1");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
        assertThat(run.stdout()).contains("verdict: mount:").contains("socket_missing").contains("ls -la");
        assertNoSecret(run, db.password());
    }

    @Test
    void wrongCredentialsAreTheCredentialsAndNeverShown() throws Exception {
        Map<String, String> env = env();
        env.put("GUARD_TARGET_PASSWORD", WRONG_PASSWORD);
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "diagnose", "--probes", "2");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.stdout()).contains("verdict: credentials:").contains("auth_failed").contains("28P01");
        assertNoSecret(run, WRONG_PASSWORD, db.password());
    }

    @Test
    void badArgumentsAreOneLineAndExitThree() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "diagnose", "--probes", "0");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.all().lines().filter(l -> l.contains("--probes"))).singleElement().asString()
                .contains("from 1 to 100");
        PackagedGuard.Run unknown = PackagedGuard.run(env(), LIMIT, "diagnose", "--target", "nope");
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(3);
        assertThat(unknown.stdout()).contains("no target 'nope'");
    }

    @Test
    void aBadConfigurationIsOneLineNamingThePropertyAndExitThree() throws Exception {
        Map<String, String> env = env();
        env.put("GUARD_PROBE_TIMEOUT", "soon");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "diagnose");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.all().lines().filter(l -> l.contains("guard.probe.timeout"))).singleElement().asString()
                .contains("soon");
        assertNoSecret(run, db.password());
    }
}
