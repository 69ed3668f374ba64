package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The guard's image, run for real: a container in a pod with the settings of a manifest (user, read-only root,
 * memory and CPU limits, environment, in-memory volumes, the password as a mounted file; all from
 * {@link GuardPodSpec}), next to a PostgreSQL container whose socket appears on the shared volume at
 * /cloudsql/PROJECT:REGION:INSTANCE/, and an app container started only once the guard's startup probe passes,
 * probed from outside as the kubelet does ({@link Kubelet}). Then the database is paused, stopped, killed and
 * restarted; each fault must be reported with its reason and recovered from; a scrape load runs; the pod gets
 * SIGTERM. The guard must never be OOM-killed, never fail its liveness probe long enough to be restarted, and exit 0.
 *
 * <p>One subclass per manifest: {@link KubernetesPodRun}, {@link CloudRunPodRun}. Not part of "mvn test" (they need
 * root, podman and the images): .ci/pod-test builds the images and runs them,
 * {@code mvn surefire:test -Dtest='*PodRun' -Dpod.guard-image=TAG}. Figures (startup time, memory, latencies)
 * are printed as "[measure]" lines and written to target/pod/figures-PLATFORM.txt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GuardPodRun {

    static final String PG_IMAGE = System.getProperty("pod.postgres-image", "localhost/cloudsql-guard-postgres:15");
    static final String APP_IMAGE = System.getProperty("pod.app-image", "localhost/cloudsql-guard-os:bookworm-apt");
    static final Duration PATIENCE = Duration.ofSeconds(60);
    static final String INSTANCE = "cloudsql-guard-ci:europe-west1:pod-test";
    static final int LOAD_PER_SECOND = Integer.getInteger("pod.load-rate", 200);
    static final Duration LOAD_DURATION = Duration.ofSeconds(Integer.getInteger("pod.load-seconds", 30));

    private final String platform;
    private final GuardPodSpec manifest;
    private final List<String> figures = new ArrayList<>();
    private boolean failed;
    @RegisterExtension
    final TestWatcher watcher = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };
    private String image;
    private GuardPodSpec spec;
    private GuardPod pod;
    private Kubelet kubelet;
    private String guard;
    private String app;
    private String stateFile;

    /** {@code manifest}: the guard's container as the platform's manifest describes it. */
    GuardPodRun(String platform, GuardPodSpec manifest) {
        this.platform = platform;
        this.manifest = manifest;
    }

    @BeforeAll
    void createThePod() throws IOException {
        image = System.getProperty("pod.guard-image");
        assertThat(image).as("-Dpod.guard-image (built by .ci/guard-image)").isNotBlank();
        spec = manifest;
        // The one edit the manifests ask of every user ("# CHANGE:"): a real instance connection name.
        assertThat(spec.require("GUARD_TARGET_INSTANCE")).isEqualTo("PROJECT:REGION:INSTANCE");
        spec = spec.withEnv("GUARD_TARGET_INSTANCE", INSTANCE);
        String name = "cg-" + platform + "-" + ProcessHandle.current().pid();
        guard = name + "-guard";
        app = name + "-app";
        stateFile = spec.require("GUARD_SIGNAL_STATE_FILE");
        // the password is a file on a secret volume, the state file on an in-memory volume the app mounts too
        assertThat(spec.mountHolding(spec.require("GUARD_TARGET_PASSWORD_FILE")).kind()).isEqualTo(GuardPodSpec.Kind.SECRET);
        assertThat(spec.mountHolding(stateFile).kind()).isEqualTo(GuardPodSpec.Kind.MEMORY);
        pod = new GuardPod(spec, name, Path.of("target/pod", name).toAbsolutePath());
        figure("platform %s: %s", platform, String.join(" ", spec.podmanRunFlags(pod::source)).replace(pod.password, "***"));
        pod.startDatabase(PG_IMAGE);
        kubelet = new Kubelet(pod.ip());
    }

    @AfterAll
    void removeThePod() throws IOException {
        if (kubelet != null) {
            kubelet.close();
        }
        if (pod != null) {
            Path logs = Path.of("target/pod", pod.name);
            for (String c : List.of(guard, guard + "-2", app, pod.db)) {
                Podman.Result r = Podman.exec("logs", c);
                if (r.exitCode() == 0) {
                    Files.writeString(logs.resolve(c + ".log"), r.stdout() + r.stderr());
                    if (failed) {
                        // CI keeps only its console: the end of each container's log goes there
                        List<String> lines = (r.stdout() + r.stderr()).lines().toList();
                        System.out.println("---- " + c + " (last lines of " + lines.size() + ")");
                        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(System.out::println);
                    }
                }
            }
            pod.close();
        }
        Path out = Path.of("target/pod/figures-" + platform + ".txt");
        Files.createDirectories(out.getParent());
        Files.write(out, figures);
    }

    void figure(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        figures.add(line);
        System.out.println("[measure] " + platform + ": " + line);
    }

    JsonNode target() {
        return pod.status().get("targets").get(0);
    }

    String reason() {
        JsonNode r = target().get("reason");
        return r == null || r.isNull() ? null : r.asText();
    }

    int code(String path) {
        return kubelet.code(path, spec.startup().port(), Duration.ofSeconds(5));
    }

    String readiness() {
        return spec.readiness() == null ? "/q/health/ready" : spec.readiness().path();
    }

    /** The state file as the app container sees it, through its own read-only mount. */
    JsonNode stateSeenByTheApp() throws IOException {
        return new ObjectMapper().readTree(Podman.run("exec", app, "cat", stateFile));
    }

    void assertTheGuardRunsOn(int pid) {
        JsonNode state = Podman.state(guard);
        assertThat(state.get("Running").asBoolean()).as("the guard runs").isTrue();
        assertThat(state.get("Pid").asInt()).as("the same process: never restarted").isEqualTo(pid);
        assertThat(state.get("RestartCount").asInt()).isZero();
        assertThat(GuardPod.cgroup(guard, "memory", "memory.oom_control")).as("memory.oom_control").contains("oom_kill 0");
        assertThat(kubelet.maxConsecutiveLivenessFailures()).as("liveness failures in a row: %s", kubelet.livenessFailures())
                .isLessThan(spec.liveness().failureThreshold());
    }

    private int guardPid;

    static void assertRunning(String container) {
        JsonNode state = Podman.state(container);
        if (!state.get("Running").asBoolean()) {
            throw new AssertionError(container + " exited " + state.get("ExitCode").asInt() + ": "
                    + Podman.exec("logs", "--tail", "5", container).stdout());
        }
    }

    @Test
    @Order(1)
    void theImageCarriesEveryLibraryItsExecutableLoads() {
        JsonNode config = Podman.inspect("--type", "image", image).get("Config");
        String entrypoint = config.get("Entrypoint").get(0).asText();
        String user = spec.uid() == null ? config.get("User").asText() : spec.uid() + ":" + spec.gid();
        // ldd's own mechanism (the dynamic loader's --list), inside the container, as the guard's user
        Podman.Result ldd = Podman.exec("run", "--rm", "--user=" + user, "--read-only",
                "--entrypoint=/lib64/ld-linux-x86-64.so.2", image, "--list", entrypoint);
        assertThat(ldd.exitCode()).as("ld.so --list %s: %s", entrypoint, ldd.stderr()).isZero();
        assertThat(ldd.stdout()).doesNotContain("not found").contains("libc.so.6");
        figure("ldd %s inside the image, as %s:%n%s", entrypoint, user, ldd.stdout().stripTrailing().replaceAll(" \\(0x\\p{XDigit}+\\)", ""));
        long size = Podman.inspect("--type", "image", image).get("Size").asLong();
        figure("image %s: %.1f MB", image, size / 1e6);
    }

    @Test
    @Order(2)
    void theAppStartsOnlyOnceTheGuardsStartupProbePasses() throws Exception {
        Instant run = Instant.now();
        Instant started = pod.startGuard(guard, image);
        Kubelet.Started passed = kubelet.awaitStartup(spec.startup(), () -> assertRunning(guard));
        guardPid = Podman.state(guard).get("Pid").asInt();
        JsonNode status = pod.status();
        assertThat(status.get("started").asBoolean()).isTrue();
        Instant guardStarted = Instant.parse(status.get("targets").get(0).get("started_at").asText());
        figure("container start -> /q/health/started UP (the guard's started_at): %d ms under --cpus=%s; "
                + "the %d s startup probe passed on try %d, %d ms after podman run",
                Duration.between(started, guardStarted).toMillis(), spec.cpuLimit().toPlainString(),
                spec.startup().periodSeconds(), passed.attempts(), Duration.between(run, passed.at()).toMillis());
        assertThat(Podman.exec("container", "exists", app).exitCode()).as("no app before the startup probe passed").isEqualTo(1);
        pod.startApp(app, APP_IMAGE, stateFile);
        await("the app's first line").atMost(PATIENCE).until(() -> Podman.exec("logs", app).stdout().contains("app: state"));
        String line = Podman.run("logs", app).lines().filter(l -> l.startsWith("app: state")).findFirst().orElseThrow();
        JsonNode seen = new ObjectMapper().readTree(line.substring("app: state".length()));
        assertThat(seen.get("started").asBoolean()).as("the app's first read of %s", stateFile).isTrue();
        kubelet.watchLiveness(spec.liveness());
        // the limits the manifest asks for are the ones the kernel enforces
        assertThat(Long.parseLong(GuardPod.cgroup(guard, "memory", "memory.limit_in_bytes"))).isEqualTo(spec.memoryLimitBytes());
        long quota = Long.parseLong(GuardPod.cgroup(guard, "cpu", "cpu.cfs_quota_us"));
        long period = Long.parseLong(GuardPod.cgroup(guard, "cpu", "cpu.cfs_period_us"));
        assertThat(quota / (double) period).isEqualTo(spec.cpuLimit().doubleValue());
        figure("after startup: %s (limit %d MiB)", memory(), spec.memoryLimitBytes() / 1048576);
    }

    /** A fault: reported with {@code reason}, ready DOWN (started and live stay UP), the app told; then recovered. */
    void faultIsReportedAndRecovered(String fault, Runnable inject, String reason, Runnable repair) throws Exception {
        Instant at = Instant.now();
        inject.run();
        try {
            await(fault + " reported as " + reason).atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> reason.equals(reason()));
            await(fault + ": readiness 503").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> code(readiness()) == 503);
            figure("%s: reason %s, %s 503 after %d ms", fault, reason, readiness(), Duration.between(at, Instant.now()).toMillis());
            assertThat(code(spec.startup().path())).as("started is latched").isEqualTo(200);
            assertThat(code(spec.liveness().path())).as("an outage never fails liveness").isEqualTo(200);
            await(fault + ": the app's state file says not ready").atMost(PATIENCE)
                    .until(() -> !stateSeenByTheApp().get("ready").asBoolean());
        } finally {
            repair.run();
        }
        Instant repaired = Instant.now();
        await(fault + " repaired: readiness 200").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> code(readiness()) == 200);
        figure("%s repaired: %s 200 after %d ms", fault, readiness(), Duration.between(repaired, Instant.now()).toMillis());
        assertThat(reason()).isNull();
        assertThat(target().get("circuit").get("state").asText()).isEqualTo("closed");
        await(fault + " repaired: the app's state file says ready").atMost(PATIENCE)
                .until(() -> stateSeenByTheApp().get("ready").asBoolean());
        assertTheGuardRunsOn(guardPid);
    }

    @Test
    @Order(3)
    void aPausedDatabaseIsAHandshakeTimeout() throws Exception {
        faultIsReportedAndRecovered("podman pause (freezer)", () -> Podman.run("pause", pod.db), "handshake_timeout",
                () -> Podman.run("unpause", pod.db));
    }

    @Test
    @Order(4)
    void aStoppedDatabaseRemovesItsSocket() throws Exception {
        faultIsReportedAndRecovered("podman stop (fast shutdown)", () -> Podman.run("stop", "-t", "30", pod.db),
                "socket_missing", this::restartTheDatabase);
    }

    @Test
    @Order(5)
    void aKilledDatabaseLeavesAStaleSocket() throws Exception {
        faultIsReportedAndRecovered("podman kill -s KILL", () -> {
            Podman.run("kill", "--signal", "KILL", pod.db);
            await().atMost(PATIENCE).until(() -> !Podman.state(pod.db).get("Running").asBoolean());
            assertThat(Podman.state(pod.db).get("ExitCode").asInt()).isEqualTo(137);
        }, "connect_refused", this::restartTheDatabase);
    }

    void restartTheDatabase() {
        Podman.run("start", pod.db);
        pod.awaitDatabase();
    }

    /** The guard's resident memory as the host sees it: RSS (anonymous + file-backed) and its memory cgroup. */
    String memory() {
        return String.format(Locale.ROOT, "RSS %.1f MiB (anonymous %.1f, file %.1f), peak RSS %.1f MiB; cgroup usage %.1f MiB,"
                + " peak %.1f MiB", mib(GuardPod.procStatus(guard, "VmRSS")), mib(GuardPod.procStatus(guard, "RssAnon")),
                mib(GuardPod.procStatus(guard, "RssFile")), mib(GuardPod.procStatus(guard, "VmHWM")),
                mib(Long.parseLong(GuardPod.cgroup(guard, "memory", "memory.usage_in_bytes"))),
                mib(Long.parseLong(GuardPod.cgroup(guard, "memory", "memory.max_usage_in_bytes"))));
    }

    static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    @Test
    @Order(6)
    void aScrapeLoadStaysInsideTheMemoryLimit() {
        String throttledBefore = GuardPod.cgroup(guard, "cpu", "cpu.stat");
        ScrapeLoad.Result load = ScrapeLoad.run(kubelet.uri(readiness(), spec.startup().port()), LOAD_PER_SECOND,
                LOAD_DURATION, Duration.ofSeconds(5));
        long peak = GuardPod.procStatus(guard, "VmHWM");
        figure("scrape load on %s: %s", readiness(), load);
        figure("after the load: %s (limit %d MiB)", memory(), spec.memoryLimitBytes() / 1048576);
        figure("CFS throttling (cpu.stat) before: %s; after: %s", throttledBefore.replace('\n', ' '),
                GuardPod.cgroup(guard, "cpu", "cpu.stat").replace('\n', ' '));
        assertThat(load.codes()).as("every scrape answered 200 while the database is up").containsOnlyKeys(200);
        assertThat(peak).isLessThan(spec.memoryLimitBytes());
        assertTheGuardRunsOn(guardPid);
    }

    @Test
    @Order(7)
    void sigtermToThePodStopsTheGuardWithExitCodeZero() {
        assertThat(kubelet.livenessProbes()).as("liveness probes ran").isPositive();
        assertTheGuardRunsOn(guardPid);
        kubelet.close(); // the kubelet stops probing a terminating container
        Instant sigterm = Instant.now();
        // every container gets its stop signal (SIGTERM for the guard); SIGKILL after the grace period
        Podman.run("pod", "stop", "-t", String.valueOf(spec.terminationGraceSeconds()), pod.name);
        JsonNode state = Podman.state(guard);
        Instant finished = Instant.parse(state.get("FinishedAt").asText());
        figure("SIGTERM -> the guard exited %d after %d ms (grace %d s)", state.get("ExitCode").asInt(),
                Duration.between(sigterm, finished).toMillis(), spec.terminationGraceSeconds());
        assertThat(state.get("ExitCode").asInt()).as("exit code (137: killed after the grace period, or OOM)").isZero();
        assertThat(state.get("RestartCount").asInt()).isZero();
        assertThat(Podman.state(app).get("ExitCode").asInt()).as("the app's exit code").isZero();
        String logs = Podman.exec("logs", guard).stdout() + Podman.exec("logs", guard).stderr();
        assertThat(logs).as("the guard's log").contains("SIGTERM received").doesNotContain(pod.password);
    }

    @Test
    @Order(8)
    void whileTheDatabaseIsDownTheStartupProbeHoldsTheApp() throws Exception {
        // a new guard in the stopped pod, with the database down: its startup probe fails, no app is started
        Podman.exec("rm", "-f", app);
        pod.forgetIp();
        String second = guard + "-2";
        pod.startGuard(second, image);
        Kubelet k = new Kubelet(pod.ip());
        try {
            // it is starting: until it listens, a GET fails to connect
            await("the second guard reports socket_missing").atMost(PATIENCE).ignoreExceptions()
                    .until(() -> "socket_missing".equals(reason()));
            for (int i = 0; i < 3; i++) {
                assertThat(k.probe(spec.startup())).as("startup probe %d with the database down", i).isFalse();
                GuardPod.sleep(Duration.ofSeconds(spec.startup().periodSeconds()));
            }
            restartTheDatabase();
            k.awaitStartup(spec.startup(), () -> assertRunning(second));
            pod.startApp(app, APP_IMAGE, stateFile);
            await().atMost(PATIENCE).until(() -> Podman.exec("logs", app).stdout().contains("app: state"));
            assertThat(stateSeenByTheApp().get("started").asBoolean()).isTrue();
        } finally {
            k.close();
        }
        Podman.run("pod", "stop", "-t", String.valueOf(spec.terminationGraceSeconds()), pod.name);
        assertThat(Podman.state(second).get("ExitCode").asInt()).isZero();
    }
}
