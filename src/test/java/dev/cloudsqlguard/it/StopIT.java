package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cloudsqlguard.fixture.PgFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sidecar's stop, black-box on the packaged guard (jar or native) beside a real PostgreSQL:
 * SIGTERM or SIGINT, also while a probe hangs on a SIGSTOPped server, ends it with exit code 0, no
 * WARN or ERROR line and an INFO line saying it stopped; bad settings that Quarkus or the file
 * system would only refuse later (the HTTP port, a state file nobody can write, a line break in a
 * value) stop it at startup with exit code 3 and one line naming the property.
 */
class StopIT {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static PgFixture db;
    private static Path scratch;

    @BeforeAll
    static void database() throws Exception {
        db = PgFixture.create();
        scratch = Files.createTempDirectory("guard-stop-it-");
    }

    @AfterAll
    static void cleanup() {
        if (db != null) {
            db.close();
        }
        PgFixture.deleteRecursively(scratch);
    }

    private static Map<String, String> env(Path stateFile) {
        Map<String, String> env = PackagedGuard.targetEnv(db);
        env.put("GUARD_SIGNAL_STATE_FILE", stateFile.toString());
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        // the stop is the subject: generous bounds, so that a loaded machine's slow round trip is no WARN
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        env.put("GUARD_PROBE_SESSION_TIMEOUT", "5s");
        return env;
    }

    /** Starts the sidecar, waits until it is ready (from its state file), optionally hangs the server, then signals it. */
    private static PackagedGuard.Run stop(String signal, boolean hang) throws Exception {
        Path stateFile = scratch.resolve(signal + hang + ".json");
        Map<String, String> env = env(stateFile);
        if (hang) {
            // a probe on the kept session starts within 200 ms of the freeze and then hangs for up to 10 s: the stop
            // comes in the middle
            env.put("GUARD_PROBE_INTERVAL", "200ms");
            env.put("GUARD_PROBE_TIMEOUT", "10s");
            env.put("GUARD_PROBE_SESSION_TIMEOUT", "10s");
        }
        PackagedGuard.Running running = PackagedGuard.startReading(env);
        Process guard = running.process();
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> Files.exists(stateFile)
                    && Files.readString(stateFile).contains("\"ready\":true"));
            if (hang) {
                db.freeze();
                Thread.sleep(1500); // the next probe is under way and hangs on the frozen server
            }
            long signalled = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(guard.pid())).start().waitFor();
            assertThat(guard.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the guard exits").isTrue();
            // a figure for the record, quoted from CI in the README (Stopping); no wall-clock bound in a test
            System.out.printf("StopIT: SIG%s%s -> exit %d after %d ms%n", signal, hang ? " during a hung probe" : "",
                    guard.exitValue(), (System.nanoTime() - signalled) / 1_000_000);
            return new PackagedGuard.Run(guard.exitValue(), running.out().get(), running.err().get());
        } finally {
            guard.destroyForcibly();
            if (db.isPaused()) {
                db.resume();
            }
        }
    }

    private static void assertCleanStop(PackagedGuard.Run run) {
        assertThat(run.exitCode()).as(run.all()).isZero();
        List<String> loud = run.all().lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")
                || l.contains("Exception")).toList();
        assertThat(loud).as("lines caused by the stop").isEmpty();
        assertThat(run.all()).contains("received: stopping").containsPattern("stopped in [0-9.]+s");
    }

    @Test
    void sigtermStopsCleanlyWithExitZero() throws Exception {
        assertCleanStop(stop("TERM", false));
    }

    @Test
    void sigtermDuringAHungProbeStopsCleanlyWithExitZero() throws Exception {
        assertCleanStop(stop("TERM", true));
    }

    @Test
    void sigintStopsCleanlyWithExitZero() throws Exception {
        assertCleanStop(stop("INT", true));
    }

    private static void assertBadConfiguration(Map<String, String> env, String property, String fragment)
            throws Exception {
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        List<String> lines = run.all().lines().filter(l -> l.contains("invalid configuration")).toList();
        assertThat(lines).as(run.all()).singleElement().asString().contains(property + ": ").contains(fragment);
        assertThat(run.all()).doesNotContain("SRCFG").doesNotContain("\tat ");
    }

    @Test
    void aBadHttpPortExitsThreeNamingIt() throws Exception {
        for (String port : List.of("abc", "70000", "-1")) {
            Map<String, String> env = env(scratch.resolve("port.json"));
            env.put("QUARKUS_HTTP_PORT", port);
            assertBadConfiguration(env, "QUARKUS_HTTP_PORT", port.equals("abc") ? "not a whole number" : "outside 0-65535");
        }
    }

    @Test
    void aStateFileNobodyCanWriteExitsThree() throws Exception {
        assertBadConfiguration(env(Path.of("/sys/cloudsql-guard/state.json")), "guard.signal.state-file", "cannot write in");
        Path regular = Files.writeString(scratch.resolve("a-file"), "x");
        assertBadConfiguration(env(regular.resolve("state.json")), "guard.signal.state-file", "cannot write in");
        assertBadConfiguration(env(scratch), "guard.signal.state-file", "is a directory");
    }

    @Test
    void aLineBreakInAValueCannotForgeALogLine() throws Exception {
        Map<String, String> env = env(scratch.resolve("forge.json"));
        env.put("GUARD_TARGET_INSTANCE", "a:b:c\nERROR forged line");
        PackagedGuard.Run run = PackagedGuard.run(env, LIMIT);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.all().lines()).as(run.all()).noneMatch(l -> l.startsWith("ERROR forged line"));
        assertThat(run.all()).contains("a:b:c\\nERROR forged line");
    }

    @Test
    void aLineBreakInAUserNameOrAServerMessageCannotForgeALine() throws Exception {
        Map<String, String> env = env(scratch.resolve("user.json"));
        env.put("GUARD_TARGET_USER", "guard\nERROR forged line");
        env.put("GUARD_PROBE_TIMEOUT", "5s");
        // the client refuses such a name (SASLprep); whatever wait prints stays on its lines
        PackagedGuard.Run wait = PackagedGuard.run(env, LIMIT, "wait", "--timeout", "1s");
        assertThat(wait.exitCode()).as(wait.all()).isEqualTo(1);
        assertThat(wait.all().lines()).as(wait.all()).noneMatch(l -> l.startsWith("ERROR forged line"));

        // the sidecar logs the user in its startup line
        Path stateFile = scratch.resolve("user-sidecar.json");
        PackagedGuard.Running running = PackagedGuard.startReading(env(stateFile).entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> e.getKey().equals("GUARD_TARGET_USER") ? "guard\nERROR forged line" : e.getValue())));
        Process guard = running.process();
        try {
            await().atMost(Duration.ofSeconds(40)).until(() -> Files.exists(stateFile)
                    && Files.readString(stateFile).contains("\"reason\":\"query_failed\""));
        } finally {
            guard.destroy();
            guard.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        String all = running.output();
        assertThat(all).contains("as user guard\\nERROR forged line");
        assertThat(all.lines()).as(all).noneMatch(l -> l.startsWith("ERROR forged line"));
    }
}
