package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.StatusDocument;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Keeps the state file (guard.signal.state-file) equal to the status document, rewritten on
 * every change (gate opening, reason change, recovery, circuit transition). Writes happen off the
 * probe thread and coalesce: if several changes queue up, only the newest state is written.
 */
@ApplicationScoped
public class StateFileSignal implements Signal {

    private static final Logger LOG = Logger.getLogger(StateFileSignal.class);

    private final AtomicReference<GuardState> pending = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "guard-state-file");
        t.setDaemon(true);
        return t;
    });
    private volatile StateFile file;
    private volatile boolean failing;

    /** Writes the first state at once when guard.signal.state-file is set; otherwise the signal stays off. */
    @Override
    public void start(GuardSettings settings, GuardState initial) {
        settings.signal().stateFile().ifPresent(path -> {
            this.file = new StateFile(path);
            offer(initial);
        });
    }

    void onUpdate(@Observes GuardUpdate update) {
        if (file == null) {
            return;
        }
        if (!update.events().isEmpty()) {
            offer(update.state());
        }
    }

    @PreDestroy
    void stop() {
        writer.shutdown();
    }

    private void offer(GuardState state) {
        if (pending.getAndSet(state) == null) {
            writer.execute(this::writeLatest);
        }
    }

    private void writeLatest() {
        GuardState state = pending.getAndSet(null);
        if (state == null) {
            return;
        }
        try {
            file.replace(StatusDocument.of(state).toString());
            if (failing) {
                LOG.infof("state file %s written again", file.path());
                failing = false;
            }
        } catch (Exception e) {
            if (!failing) {
                LOG.errorf("cannot write the state file %s: %s (will retry on the next change)", file.path(), e.toString());
                failing = true;
            }
        }
    }
}
