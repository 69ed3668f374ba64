package dev.cloudsqlguard.it;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.SettingsParser;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.fixture.PgBouncer;
import dev.cloudsqlguard.fixture.PgFixture;
import dev.cloudsqlguard.fixture.TestCertificates;
import dev.cloudsqlguard.fixture.TlsServer;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.walk.StageWalker;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, not a test (it asserts nothing and no CI pattern picks it up): run by
 * {@code bench/topology}. Measures (1) the time from starting the packaged guard's {@code wait}
 * to its exit 0, directly on a socket, through a default PgBouncer, and over TLS with
 * verify-full and a client certificate; (2) the stage latencies of steady-state probes over TLS
 * (in this JVM, after a warm-up) against the same probes in plain text on the socket.
 */
class TopologyBench {

    private static final int TRIALS = Integer.getInteger("bench.trials", 5);
    private static final int PROBES = Integer.getInteger("bench.probes", 200);

    @Test
    void measure() throws Exception {
        try (PgFixture db = PgFixture.create(); PgBouncer pooler = PgBouncer.start(db); TlsServer tls = TlsServer.start()) {
            var client = TestCertificates.client(tls.ca(), tls.db().user(), false);
            Map<String, Map<String, String>> shapes = new LinkedHashMap<>();
            shapes.put("socket (direct)", env("guard.target.instance", db.instance(), "guard.target.socket-dir",
                    db.cloudsqlRoot().toString(), db));
            shapes.put("socket through PgBouncer", env("guard.target.instance", PgBouncer.INSTANCE,
                    "guard.target.socket-dir", pooler.cloudsqlRoot().toString(), db));
            Map<String, String> verifyFull = env("guard.target.host", tls.host(), null, null, tls.db());
            verifyFull.put("guard.target.ssl-mode", "verify-full");
            verifyFull.put("guard.target.ssl-root-cert", tls.caFile().toString());
            verifyFull.put("guard.target.ssl-cert", tls.file("client.crt", client.certificatePem()).toString());
            verifyFull.put("guard.target.ssl-key", tls.file("client.key", client.keyPkcs8()).toString());
            shapes.put("TCP, TLS verify-full + client certificate", verifyFull);

            System.out.printf("%n## Time to ready: `wait` started → exit 0 (%s, %d trials, ms)%n%n",
                    PackagedGuard.isNative() ? "native" : "JVM", TRIALS);
            System.out.println("| target | min | median | max |");
            System.out.println("|---|---|---|---|");
            for (Map.Entry<String, Map<String, String>> shape : shapes.entrySet()) {
                Map<String, String> environment = new HashMap<>();
                shape.getValue().forEach((k, v) -> environment.put(k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(), v));
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < TRIALS; i++) {
                    long start = System.nanoTime();
                    PackagedGuard.Run run = PackagedGuard.run(environment, Duration.ofSeconds(60), "wait", "--timeout", "30s");
                    double took = (System.nanoTime() - start) / 1e6;
                    if (run.exitCode() != 0) {
                        throw new AssertionError(shape.getKey() + ": " + run.all());
                    }
                    ms.add(took);
                }
                Collections.sort(ms);
                System.out.printf("| %s | %.0f | %.0f | %.0f |%n", shape.getKey(), ms.get(0), ms.get(ms.size() / 2),
                        ms.get(ms.size() - 1));
            }

            Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true)); // epoll: Unix sockets
            try {
                System.out.printf("%n## Stage latency of steady-state probes (this JVM, %d probes after 50 warm-up, ms)%n%n", PROBES);
                System.out.println("| target | stage | median | p95 | max |");
                System.out.println("|---|---|---|---|---|");
                stages("TCP, TLS verify-full + client cert", verifyFull, vertx, List.of(Stage.CONNECT, Stage.TLS,
                        Stage.HANDSHAKE, Stage.QUERY));
                stages("socket (direct)", shapes.get("socket (direct)"), vertx, List.of(Stage.CONNECT, Stage.HANDSHAKE,
                        Stage.QUERY));
            } finally {
                vertx.close();
            }
        }
    }

    private static void stages(String label, Map<String, String> config, Vertx vertx, List<Stage> shown) {
        Map<String, String> raw = new HashMap<>(config);
        raw.put("guard.probe.timeout", "5s");
        var settings = new SettingsParser().parse(raw);
        TargetSettings target = settings.targets().get(0);
        ProbeSettings probe = settings.probe();
        Map<Stage, List<Double>> samples = new LinkedHashMap<>();
        try (StageWalker walker = new StageWalker(target, probe, VertxQueryStage.of(target, probe, () -> vertx,
                System::nanoTime), Clock.systemUTC(), System::nanoTime)) {
            for (int i = 0; i < 50 + PROBES; i++) {
                ProbeResult r = walker.probe();
                if (!r.succeeded()) {
                    throw new AssertionError(label + ": " + r);
                }
                if (i >= 50) {
                    r.latencies().forEach((stage, d) -> samples.computeIfAbsent(stage, s -> new ArrayList<>())
                            .add(d.toNanos() / 1e6));
                }
            }
        }
        for (Stage stage : shown) {
            List<Double> ms = samples.get(stage);
            Collections.sort(ms);
            System.out.printf("| %s | %s | %.2f | %.2f | %.2f |%n", label, stage.code(), ms.get(ms.size() / 2),
                    ms.get((int) (ms.size() * 0.95)), ms.get(ms.size() - 1));
        }
    }

    private static Map<String, String> env(String k1, String v1, String k2, String v2, PgFixture db) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(k1, v1);
        if (k2 != null) {
            m.put(k2, v2);
        }
        m.put("guard.target.user", db.user());
        m.put("guard.target.password", db.password());
        m.put("guard.target.database", db.database());
        return m;
    }
}
