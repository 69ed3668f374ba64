package dev.cloudsqlguard.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Probes the guard the way the kubelet (or Cloud Run) does, from outside the pod, on the pod's IP: an HTTP GET
 * with the probe's timeout every periodSeconds; 200-399 is a success. The startup probe gates the app; after it
 * passes, the liveness probe runs in the background and counts consecutive failures: failureThreshold of them
 * in a row is what makes the kubelet restart a container, which the pod test asserts never happens.
 */
final class Kubelet implements AutoCloseable {

    /** When the startup probe passed, and after how many tries. */
    record Started(Instant at, int attempts) {
    }

    private final String host;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService liveness = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet-liveness");
        t.setDaemon(true);
        return t;
    });
    private final List<String> livenessFailures = new ArrayList<>();
    private int consecutive;
    private int maxConsecutive;
    private int livenessProbes;

    Kubelet(String host) {
        this.host = host;
    }

    /** One probe: true on 200-399 within the probe's timeout. */
    boolean probe(GuardPodSpec.HttpProbe p) {
        int code = code(p.path(), p.port(), Duration.ofSeconds(p.timeoutSeconds()));
        return code >= 200 && code < 400;
    }

    /** The status code of a GET, or -1 on a timeout or a connection failure. */
    int code(String path, int port, Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(uri(path, port)).timeout(timeout).GET().build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    URI uri(String path, int port) {
        return URI.create("http://" + host + ":" + port + path);
    }

    /**
     * The startup probe: the first try after initialDelaySeconds, then one every periodSeconds until a success;
     * failureThreshold failures in a row fail the test (the kubelet would kill the container and start it again).
     * {@code beforeEachTry} may throw to give up early (the container exited).
     */
    Started awaitStartup(GuardPodSpec.HttpProbe p, Runnable beforeEachTry) throws InterruptedException {
        Thread.sleep(p.initialDelaySeconds() * 1000L);
        for (int attempt = 1; ; attempt++) {
            beforeEachTry.run();
            long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(p.periodSeconds());
            int code = code(p.path(), p.port(), Duration.ofSeconds(p.timeoutSeconds()));
            if (code >= 200 && code < 400) {
                return new Started(Instant.now(), attempt);
            }
            if (attempt >= p.failureThreshold()) {
                throw new AssertionError("the startup probe " + p.path() + " failed " + attempt + " times (last: " + code
                        + "): the platform would restart the guard");
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        }
    }

    /** Starts the liveness probe in the background, every periodSeconds. */
    void watchLiveness(GuardPodSpec.HttpProbe p) {
        liveness.scheduleAtFixedRate(() -> {
            int code = code(p.path(), p.port(), Duration.ofSeconds(p.timeoutSeconds()));
            synchronized (this) {
                livenessProbes++;
                if (code >= 200 && code < 400) {
                    consecutive = 0;
                } else {
                    consecutive++;
                    maxConsecutive = Math.max(maxConsecutive, consecutive);
                    livenessFailures.add(Instant.now() + ": " + code);
                }
            }
        }, p.initialDelaySeconds(), p.periodSeconds(), TimeUnit.SECONDS);
    }

    synchronized int livenessProbes() {
        return livenessProbes;
    }

    /** The longest run of consecutive liveness failures so far. */
    synchronized int maxConsecutiveLivenessFailures() {
        return maxConsecutive;
    }

    synchronized List<String> livenessFailures() {
        return List.copyOf(livenessFailures);
    }

    @Override
    public void close() {
        liveness.shutdownNow();
    }
}
