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

    private static long probes(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/guard/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
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

    /** The packaged guard, as a user starts it, probing a port that refuses every {@code interval}. */
    private static Process startAgainstARefusedPort(int http, String interval) throws IOException {
        int refused = freePort(); // closed again: nothing listens there
        Map<String, String> env = new HashMap<>();
        env.put("GUARD_TARGET_HOST", "127.0.0.1");
        env.put("GUARD_TARGET_PORT", Integer.toString(refused));
        env.put("GUARD_PROBE_STARTUP_INTERVAL", interval);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        return PackagedGuard.start(env);
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
        int http = freePort();
        Process guard = startAgainstARefusedPort(http, "1s");
        guard.getOutputStream().close();
        var out = PackagedGuard.readAsync(guard.getInputStream());
        var err = PackagedGuard.readAsync(guard.getErrorStream());
        try {
            Pattern line = Pattern.compile("heap: at most (\\d+) MiB");
            Matcher m = await().atMost(Duration.ofSeconds(60))
                    .until(() -> line.matcher(out.get() + err.get()), Matcher::find);
            long mib = Long.parseLong(m.group(1));
            System.out.printf("ResourcesIT: heap at most %d MiB (%s)%n", mib,
                    PackagedGuard.isNative() ? "native" : "jar through its launcher");
            assertThat(mib).as("the heap's bound in MiB").isPositive().isLessThanOrEqualTo(64);
            if (!PackagedGuard.isNative()) {
                String[] scrape = {""};
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + http
                            + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
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
        } finally {
            guard.destroy();
            guard.waitFor();
            assertThat(guard.exitValue()).as(out.get() + err.get()).isZero();
        }
    }

    @Test
    void openFilesAndThreadsStayFlatOverThousandsOfFailedProbes() throws Exception {
        int http = freePort();
        Process guard = startAgainstARefusedPort(http, "10ms");
        guard.getOutputStream().close();
        var out = PackagedGuard.readAsync(guard.getInputStream());
        var err = PackagedGuard.readAsync(guard.getErrorStream());
        try {
            Path proc = Path.of("/proc", Long.toString(guard.pid()));
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
            assertThat(guard.isAlive()).isTrue();
        } finally {
            guard.destroy();
            guard.waitFor();
            assertThat(guard.exitValue()).as(out.get() + err.get()).isZero();
        }
    }
}
