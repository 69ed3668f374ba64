package dev.cloudsqlguard.state;

import dev.cloudsqlguard.probe.ServerReading;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a target's free connection slots are too few, from the readings of its probes: low as soon as
 * a reading's free slots fall under the threshold (a percentage of the usable limit); normal again only
 * once every reading for {@link #CLEAR_AFTER} has been at or above it. That hold is what keeps "once per
 * crossing" from becoming once per probe while an app's pool opens and closes connections around the
 * threshold. Pure: the caller passes each reading and its time.
 */
final class HeadroomWatch {

    /** How long the headroom must stay sufficient before the warning clears. */
    static final Duration CLEAR_AFTER = Duration.ofMinutes(1);

    private final float thresholdPercent;
    private boolean low;
    private Instant sufficientSince;

    HeadroomWatch(float thresholdPercent) {
        this.thresholdPercent = thresholdPercent;
    }

    boolean low() {
        return low;
    }

    float thresholdPercent() {
        return thresholdPercent;
    }

    /**
     * Folds in one reading.
     *
     * @return true when the warning started or cleared with this reading
     */
    boolean observe(ServerReading reading, Instant at) {
        boolean below = reading.headroomBelow(thresholdPercent);
        if (below) {
            sufficientSince = null;
            if (!low) {
                low = true;
                return true;
            }
            return false;
        }
        if (!low) {
            return false;
        }
        if (sufficientSince == null) {
            sufficientSince = at;
        }
        if (!at.isBefore(sufficientSince.plus(CLEAR_AFTER))) {
            low = false;
            sufficientSince = null;
            return true;
        }
        return false;
    }
}
