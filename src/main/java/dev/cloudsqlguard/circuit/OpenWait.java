package dev.cloudsqlguard.circuit;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The randomised wait in OPEN before trial probes: uniform in
 * {@code [base × (1 − spread), base × (1 + spread)]}. Randomised so that a fleet of guards that
 * saw the same outage does not hit the recovering database in the same second.
 */
public final class OpenWait {

    private final Duration base;
    private final double spread;
    private final DoubleSupplier random;

    /**
     * @param random source of uniform values in [0, 1); injectable for tests
     */
    public OpenWait(Duration base, double spread, DoubleSupplier random) {
        if (spread < 0 || spread >= 1) {
            throw new IllegalArgumentException("spread must be in [0, 1)");
        }
        this.base = base;
        this.spread = spread;
        this.random = random;
    }

    public Duration shortest() {
        return Duration.ofMillis(Math.round(base.toMillis() * (1 - spread)));
    }

    public Duration longest() {
        return Duration.ofMillis(Math.round(base.toMillis() * (1 + spread)));
    }

    /** Draws the next wait. */
    public Duration next() {
        double factor = 1 - spread + 2 * spread * random.getAsDouble();
        long millis = Math.round(base.toMillis() * factor);
        return Duration.ofMillis(Math.max(shortest().toMillis(), Math.min(longest().toMillis(), millis)));
    }
}
