package dev.cloudsqlguard.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load: GETs sent at a fixed rate whatever the answers (a closed loop like wrk would slow down
 * with the server and hide a backlog), each with a timeout; reports the status codes and the latencies.
 */
final class ScrapeLoad {

    /** What came back: count per status code (-1: timeout or connection error), latencies in ms, the rate achieved. */
    record Result(int sent, Map<Integer, Integer> codes, List<Double> latenciesMs, double seconds) {

        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return String.format("%d requests in %.1f s (%.0f/s): codes %s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    sent, seconds, sent / seconds, codes, percentile(50), percentile(99), percentile(100));
        }
    }

    private ScrapeLoad() {
    }

    static Result run(URI uri, int perSecond, Duration duration, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        int total = (int) (duration.toSeconds() * perSecond);
        List<CompletableFuture<long[]>> answers = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = System.nanoTime();
            answers.add(http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> new long[] {r.statusCode(), System.nanoTime() - sent})
                    .exceptionally(e -> new long[] {-1, System.nanoTime() - sent}));
        }
        Map<Integer, Integer> codes = new TreeMap<>();
        List<Double> latencies = new ArrayList<>(total);
        for (CompletableFuture<long[]> a : answers) {
            long[] r = a.join();
            codes.merge((int) r[0], 1, Integer::sum);
            latencies.add(r[1] / 1e6);
        }
        return new Result(total, codes, latencies, (System.nanoTime() - start) / 1e9);
    }
}
