package dev.cloudsqlguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged guard's resources, black-box (jar or native): its heap is bounded by default, and
 * thousands of failed probes leak nothing: a
 * target whose port refuses connections, probed every 10 ms (the startup pace: the guard never
 * starts, so no circuit slows it down); the open files and the threads of the process after more
 * than 2000 failed probes are those it had after the first few hundred.
 */
class ResourcesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long probes(int port) {
        try {
            HttpResponse<String> r = get(port, "/guard/status");
            String probes = r.statusCode() == 200 ? JsonPath.from(r.body()).getString("targets[0].counters.probes") : null;
            return probes == null ? -1 : Long.parseLong(probes); // no target yet while the guard starts
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        }
    }

    /** What a test does while the guard runs: its HTTP port and the running guard. */
    private interface WhileRunning {
        void run(int http, PackagedGuard.Running guard) throws Exception;
    }

    /**
     * Starts the packaged guard, as a user does, probing a port that refuses, every {@code interval};
     * runs {@code test} against it, then stops it: it must exit 0.
     */
    private static void againstARefusedPort(String interval, WhileRunning test) throws Exception {
        int http = freePort();
        int refused = freePort(); // closed again: nothing listens there
        Map<String, String> env = new HashMap<>();
        env.put("GUARD_TARGET_HOST", "127.0.0.1");
        env.put("GUARD_TARGET_PORT", Integer.toString(refused));
        env.put("GUARD_PROBE_STARTUP_INTERVAL", interval);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        PackagedGuard.Running guard = PackagedGuard.startReading(env);
        try {
            test.run(http, guard);
        } finally {
            guard.process().destroy();
            guard.process().waitFor();
            assertThat(guard.process().exitValue()).as(guard.output()).isZero();
        }
    }

    /**
     * The heap is bounded without any option from the user (README, Memory): the jar through its
     * launcher ({@code -Xmx64m} by default), the native executable by the heap size built into it
     * (32 MB). Read from the guard's startup line {@code heap: at most N MiB} (the runtime's own maximum,
     * which the JDK's defaults would make a quarter of the machine's memory) and, on the JVM, from its
     * {@code jvm_memory_max_bytes} of the heap pools (a native executable reports those as undefined).
     */
    @Test
    void theHeapIsBoundedByDefault() throws Exception {
        againstARefusedPort("1s", (http, guard) -> {
            Pattern line = Pattern.compile("heap: at most (\\d+) MiB");
            Matcher m = await().atMost(Duration.ofSeconds(60))
                    .until(() -> line.matcher(guard.outputNow()), Matcher::find);
            long mib = Long.parseLong(m.group(1));
            System.out.printf("ResourcesIT: heap at most %d MiB (%s)%n", mib,
                    PackagedGuard.isNative() ? "native" : "jar through its launcher");
            assertThat(mib).as("the heap's bound in MiB").isPositive().isLessThanOrEqualTo(64);
            if (!PackagedGuard.isNative()) {
                String[] scrape = {""};
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    HttpResponse<String> r = get(http, "/q/metrics");
                    scrape[0] = r.body();
                    return r.statusCode() == 200;
                });
                double heapMax = scrape[0].lines()
                        .filter(l -> l.startsWith("jvm_memory_max_bytes{") && l.contains("area=\"heap\""))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .sum();
                assertThat(heapMax).as("the sum of the heap pools' maxima in bytes").isPositive()
                        .isLessThanOrEqualTo(64.0 * (1 << 20));
            }
        });
    }

    @Test
    void openFilesAndThreadsStayFlatOverThousandsOfFailedProbes() throws Exception {
        againstARefusedPort("10ms", (http, guard) -> {
            Path proc = Path.of("/proc", Long.toString(guard.process().pid()));
            await().atMost(Duration.ofSeconds(60)).until(() -> probes(http) >= 300);
            long filesBefore = count(proc.resolve("fd"));
            long threadsBefore = count(proc.resolve("task"));
            long probesBefore = probes(http);
            await().atMost(Duration.ofSeconds(120)).until(() -> probes(http) >= probesBefore + 2000);
            long filesAfter = count(proc.resolve("fd"));
            long threadsAfter = count(proc.resolve("task"));
            System.out.printf("ResourcesIT: %d -> %d probes; open files %d -> %d; threads %d -> %d%n", probesBefore,
                    probes(http), filesBefore, filesAfter, threadsBefore, threadsAfter);
            assertThat(filesAfter).as("open files after 2000 more failed probes").isLessThanOrEqualTo(filesBefore + 3);
            assertThat(threadsAfter).as("threads after 2000 more failed probes").isLessThanOrEqualTo(threadsBefore + 2);
            assertThat(guard.process().isAlive()).isTrue();
        });
    }
}
