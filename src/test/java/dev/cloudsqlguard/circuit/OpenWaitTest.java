package dev.cloudsqlguard.circuit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenWaitTest {

    private static final Duration BASE = Duration.ofSeconds(5);

    @Test
    void bounds() {
        OpenWait w = new OpenWait(BASE, 0.5, () -> 0.0);
        assertThat(w.shortest()).isEqualTo(Duration.ofMillis(2500));
        assertThat(w.longest()).isEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void randomZeroGivesTheShortestWait() {
        assertThat(new OpenWait(BASE, 0.5, () -> 0.0).next()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void randomHalfGivesTheBase() {
        assertThat(new OpenWait(BASE, 0.5, () -> 0.5).next()).isEqualTo(BASE);
    }

    @Test
    void randomJustBelowOneGivesTheLongestWait() {
        assertThat(new OpenWait(BASE, 0.5, () -> Math.nextDown(1.0)).next()).isEqualTo(Duration.ofMillis(7500));
        assertThat(new OpenWait(BASE, 0.5, () -> 0.999).next()).isEqualTo(Duration.ofMillis(7495));
    }

    @Test
    void outOfContractRandomValuesAreClamped() {
        assertThat(new OpenWait(BASE, 0.5, () -> 1.0).next()).isEqualTo(Duration.ofMillis(7500));
        assertThat(new OpenWait(BASE, 0.5, () -> 7.0).next()).isEqualTo(Duration.ofMillis(7500));
        assertThat(new OpenWait(BASE, 0.5, () -> -1.0).next()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void zeroSpreadAlwaysGivesTheBase() {
        for (double r : new double[] {0.0, 0.25, 0.5, Math.nextDown(1.0)}) {
            OpenWait w = new OpenWait(BASE, 0.0, () -> r);
            assertThat(w.next()).isEqualTo(BASE);
            assertThat(w.shortest()).isEqualTo(BASE);
            assertThat(w.longest()).isEqualTo(BASE);
        }
    }

    @Test
    void spreadMustBeBelowOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OpenWait(BASE, 1.0, () -> 0.0));
        assertThatIllegalArgumentException().isThrownBy(() -> new OpenWait(BASE, 1.5, () -> 0.0));
        assertThatIllegalArgumentException().isThrownBy(() -> new OpenWait(BASE, -0.01, () -> 0.0));
        assertThat(new OpenWait(BASE, 0.99, () -> 0.0).shortest()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void seededDrawsStayWithinTheBoundsAndSpreadAcrossThem() {
        Random random = new Random(20240611L);
        OpenWait w = new OpenWait(BASE, 0.5, random::nextDouble);
        long shortest = w.shortest().toMillis();
        long longest = w.longest().toMillis();
        long mid = BASE.toMillis();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int lower = 0;
        int upper = 0;
        int[] deciles = new int[10];
        for (int i = 0; i < 10_000; i++) {
            long ms = w.next().toMillis();
            assertThat(ms).isBetween(shortest, longest);
            min = Math.min(min, ms);
            max = Math.max(max, ms);
            if (ms < mid) {
                lower++;
            } else {
                upper++;
            }
            deciles[(int) Math.min(9, (ms - shortest) * 10 / (longest - shortest))]++;
        }
        assertThat(lower).isGreaterThan(4_000);
        assertThat(upper).isGreaterThan(4_000);
        assertThat(min).isLessThan(shortest + 50);
        assertThat(max).isGreaterThan(longest - 50);
        for (int d = 0; d < 10; d++) {
            assertThat(deciles[d]).as("decile %d", d).isBetween(800, 1200);
        }
    }

    @Test
    void everyDrawIsFresh() {
        double[] values = {0.0, 0.5, 0.25};
        int[] i = {0};
        OpenWait w = new OpenWait(Duration.ofSeconds(4), 0.5, () -> values[i[0]++]);
        assertThat(w.next()).isEqualTo(Duration.ofSeconds(2));
        assertThat(w.next()).isEqualTo(Duration.ofSeconds(4));
        assertThat(w.next()).isEqualTo(Duration.ofSeconds(3));
    }
}
