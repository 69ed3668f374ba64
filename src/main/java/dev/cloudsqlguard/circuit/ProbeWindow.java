package dev.cloudsqlguard.circuit;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import java.time.Duration;
import java.util.Arrays;

/**
 * The last {@code size} probes a circuit decides on, counted as failed and as slow. A probe is
 * failed when its outcome is {@code failed}; it is slow when its total latency is above the slow
 * threshold, whatever its outcome (a probe that failed after a full timeout is both). The rates
 * exist only once the window holds {@code minimum} probes; before that they are -1, so that two
 * failures right after the gate opened are not "100 %".
 */
final class ProbeWindow {

    private final boolean[] failed;
    private final boolean[] slow;
    private final int minimum;
    private final Duration slowThreshold;
    private int next;
    private int size;
    private int failures;
    private int slows;

    ProbeWindow(int size, int minimum, Duration slowThreshold) {
        this.failed = new boolean[size];
        this.slow = new boolean[size];
        this.minimum = Math.min(minimum, size);
        this.slowThreshold = slowThreshold;
    }

    /** Adds a probe, pushing the oldest out once the window is full. */
    void add(ProbeResult result) {
        if (size == failed.length) {
            failures -= failed[next] ? 1 : 0;
            slows -= slow[next] ? 1 : 0;
        } else {
            size++;
        }
        failed[next] = result.outcome() == Outcome.FAILED;
        slow[next] = result.total().compareTo(slowThreshold) > 0;
        failures += failed[next] ? 1 : 0;
        slows += slow[next] ? 1 : 0;
        next = (next + 1) % failed.length;
    }

    /** Empties the window: the next probes start a fresh count. */
    void clear() {
        Arrays.fill(failed, false);
        Arrays.fill(slow, false);
        next = 0;
        size = 0;
        failures = 0;
        slows = 0;
    }

    int size() {
        return size;
    }

    int failures() {
        return failures;
    }

    int slows() {
        return slows;
    }

    /** True once the window holds as many probes as it can (the trial window of HALF_OPEN is then complete). */
    boolean full() {
        return size == failed.length;
    }

    /** Percentage of failed probes, or -1 below the minimum. */
    float failureRate() {
        return size < minimum ? -1f : failures * 100.0f / size;
    }

    /** Percentage of slow probes, or -1 below the minimum. */
    float slowRate() {
        return size < minimum ? -1f : slows * 100.0f / size;
    }
}
