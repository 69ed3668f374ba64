package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.ProbeHistory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.List;

/**
 * Keeps the recent probes and transitions of every target in the bounded {@link ProbeHistory} that
 * {@code /guard/history} and the status page read. Writing one entry is an array store on the probe thread.
 */
@ApplicationScoped
public class HistorySignal implements Signal {

    private final Clock clock = Clock.systemUTC();
    /** Empty until the targets are known (the HTTP server may answer before the signals start). */
    private volatile ProbeHistory history = new ProbeHistory(List.of(), clock);

    @Override
    public void start(GuardSettings settings, GuardState initial) {
        history = new ProbeHistory(initial.targets().keySet(), clock);
    }

    void onUpdate(@Observes GuardUpdate update) {
        history.record(update);
    }

    public ProbeHistory history() {
        return history;
    }
}
