package dev.cloudsqlguard.state;

import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Duration;
import java.util.Arrays;

/**
 * The last {@value #SIZE} probes of a target, as counts and latencies: what the verdict of a healthy
 * target quotes ("answered 120 of 120 probes, median 0.9 ms"). A fixed ring: no growth however long
 * the guard runs. Not thread-safe (its tracker owns it).
 */
public final class RecentProbes {

    /** A minute of probes at the default 500 ms interval. */
    static final int SIZE = 120;

    private final long[] nanos = new long[SIZE];
    private final boolean[] answered = new boolean[SIZE];
    private int next;
    private int size;

    RecentProbes() {
    }

    void add(ProbeResult r) {
        nanos[next] = r.total().toNanos();
        answered[next] = r.succeeded();
        next = (next + 1) % SIZE;
        size = Math.min(size + 1, SIZE);
    }

    Summary summary() {
        long[] ok = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (answered[i]) {
                ok[n++] = nanos[i];
            }
        }
        Arrays.sort(ok, 0, n);
        Duration median = n == 0 ? Duration.ZERO : n % 2 == 1 ? Duration.ofNanos(ok[n / 2])
                : Duration.ofNanos((ok[n / 2 - 1] + ok[n / 2]) / 2);
        return new Summary(n, size, median);
    }

    /**
     * @param answered probes of the last {@link #SIZE} that reached the database
     * @param probes   probes counted (at most {@link #SIZE})
     * @param median   median latency of the answered ones (zero when none)
     */
    public record Summary(int answered, int probes, Duration median) {
        static final Summary NONE = new Summary(0, 0, Duration.ZERO);
    }
}
