package dev.cloudsqlguard.circuit;

import java.util.Locale;

/**
 * A target's circuit as the app sees it. CLOSED lets traffic through; OPEN tells the app to fail
 * fast; HALF_OPEN is trial probing; the forced states are operator overrides.
 */
public enum CircuitState {
    CLOSED,
    OPEN,
    HALF_OPEN,
    FORCED_OPEN,
    FORCED_CLOSED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Readiness is UP only in these states. */
    public boolean admitsTraffic() {
        return this == CLOSED || this == FORCED_CLOSED;
    }
}
