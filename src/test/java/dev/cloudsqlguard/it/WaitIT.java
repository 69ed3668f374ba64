package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.fixture.PgFixture;
import dev.cloudsqlguard.fixture.WireStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged executable's {@code wait} command and its startup validation, launched as a
 * process against a real PostgreSQL: pg_isready's exit codes, running a command once ready, and
 * passing SIGTERM/SIGINT on to that command.
 */
class WaitIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static PgFixture db;
    private static Path scratch;

    @BeforeAll
    static void database() throws Exception {
        db = PgFixture.create();
        scratch = Files.createTempDirectory("guard-wait-it-");
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
        return env;
    }

    @Test
    void exitsZeroWhenTheDatabaseIsReady() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "wait", "--timeout", "20s");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(0);
        assertThat(run.stdout()).contains("is ready after").contains("query stage passed");
    }

    @Test
    void exitsOneWhenTheServerRejects() throws Exception {
        Map<String, String> env = env();
        env.put("GUARD_TARGET_PASSWORD", "not-the-password");
        // a cold JVM's first SCRAM exchange on a busy machine can take longer than the 1 s default stage bound
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "1s");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.stdout()).contains("auth_failed").contains("waiting will not fix this").contains("exit 1");
        assertThat(run.all()).doesNotContain("not-the-password");
    }

    @Test
    void exitsOneWhenTheServerIsStartingUp() throws Exception {
        Path socket = Files.createDirectories(scratch.resolve("stub/p:r:starting")).resolve(".s.PGSQL.5432");
        try (WireStub stub = WireStub.unix(socket, WireStub.Script.error("57P03", "the database system is starting up"))) {
            PackagedGuard.Run run = PackagedGuard.run(Map.of("GUARD_TARGET_SOCKET", socket.toString()), LIMIT,
                    "wait", "--timeout", "1s");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
            assertThat(run.stdout()).contains("server_starting").contains("57P03");
        }
    }

    @Test
    void exitsTwoWhenNothingAnswers() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(Map.of("GUARD_TARGET_SOCKET", scratch.resolve("none/.s.PGSQL.5432").toString()),
                LIMIT, "wait", "--timeout", "1s");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
        assertThat(run.stdout()).contains("socket_missing").contains("no response (exit 2)");
    }

    @Test
    void exitsTwoOnAHungServer() throws Exception {
        db.pause();
        try {
            PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "wait", "--timeout", "2s");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(2);
            assertThat(run.stdout()).contains("handshake_timeout");
        } finally {
            db.resume();
        }
    }

    @Test
    void exitsThreeOnBadConfigurationWithOneLineNamingTheProperty() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GUARD_TARGET_INSTANCE", "p:r:i");
        env.put("GUARD_TARGET_SOCKET_DIR", "/" + "x".repeat(120));
        env.put("GUARD_TARGET_USER", "guard");
        env.put("GUARD_TARGET_PASSWORD", "hunter2-secret-value");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT, "wait");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stderr().lines().filter(l -> l.contains("invalid configuration"))).hasSize(1);
        assertThat(run.stderr()).contains("guard.target.instance").contains("107-byte limit");
        assertThat(run.all()).doesNotContain("hunter2-secret-value");

        PackagedGuard.Run badArgs = PackagedGuard.run(env(), LIMIT, "wait", "--timeout", "soon");
        assertThat(badArgs.exitCode()).isEqualTo(3);
        assertThat(badArgs.stderr()).contains("--timeout 'soon'");
    }

    @Test
    void theSidecarRefusesBadConfigurationAtStartup() throws Exception {
        Map<String, String> env = new HashMap<>(env());
        env.put("GUARD_PROBE_INTERVAL", "often");
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.all().lines().filter(l -> l.contains("invalid configuration")).toList())
                .singleElement().asString().contains("guard.probe.interval: 'often' is not a duration");
        assertThat(run.all()).doesNotContain(db.password()).doesNotContain("Exception");
    }

    @Test
    void runsTheCommandOnceReadyAndExitsWithItsCode() throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env(), LIMIT, "wait", "--timeout", "20s", "--",
                "sh", "-c", "echo from-the-app; exit 7");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(7);
        assertThat(run.stdout()).contains("from-the-app");
    }

    @Test
    void doesNotRunTheCommandOnTimeout() throws Exception {
        Path marker = scratch.resolve("ran");
        PackagedGuard.Run run = PackagedGuard.run(Map.of("GUARD_TARGET_SOCKET", scratch.resolve("none/.s.PGSQL.5432").toString()),
                LIMIT, "wait", "--timeout", "1s", "--", "touch", marker.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(marker).doesNotExist();
    }

    @Test
    void waitsForADatabaseThatComesUpLater() throws Exception {
        try (PgFixture late = PgFixture.createStopped()) {
            Map<String, String> env = new HashMap<>();
            env.put("GUARD_TARGET_INSTANCE", late.instance());
            env.put("GUARD_TARGET_SOCKET_DIR", late.cloudsqlRoot().toString());
            Process guard = PackagedGuard.start(env, "wait", "--timeout", "45s");
            PackagedGuard.Output out = PackagedGuard.readAsync(guard.getInputStream());
            await().atMost(LIMIT).until(() -> out.now().contains("socket_missing"));
            late.start();
            assertThat(guard.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(guard.exitValue()).as(out.get()).isEqualTo(0);
        }
    }

    @Test
    void forwardsSigtermToTheCommand() throws Exception {
        assertForwarded("TERM", 42);
    }

    @Test
    void forwardsSigintToTheCommand() throws Exception {
        assertForwarded("INT", 43);
    }

    private void assertForwarded(String signal, int code) throws Exception {
        Path started = scratch.resolve("started-" + signal);
        String script = "trap 'exit 42' TERM; trap 'exit 43' INT; touch " + started + "; "
                + "while true; do sleep 0.1; done";
        Process guard = PackagedGuard.start(env(), "wait", "--timeout", "20s", "--", "sh", "-c", script);
        PackagedGuard.Output out = PackagedGuard.readAsync(guard.getInputStream());
        PackagedGuard.Output err = PackagedGuard.readAsync(guard.getErrorStream());
        try {
            await().atMost(LIMIT).until(() -> Files.exists(started));
            new ProcessBuilder("kill", "-" + signal, Long.toString(guard.pid())).inheritIO().start().waitFor();
            assertThat(guard.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(guard.exitValue()).as(out.get() + err.get()).isEqualTo(code);
        } finally {
            guard.destroyForcibly();
        }
    }
}
