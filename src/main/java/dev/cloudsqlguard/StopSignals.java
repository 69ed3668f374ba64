package dev.cloudsqlguard;

import io.quarkus.runtime.Quarkus;
import java.util.List;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the sidecar cleanly with exit code 0, as cloud-sql-proxy's
 * {@code --exit-zero-on-sigterm} does: a platform's stop (a deploy, a scale-in, a Job's sidecar
 * being ended) is not a failure, and neither the exit code nor the log should say it is. Without
 * this, the JVM (and Quarkus's own handlers in native) exit with 128 + the signal (143, 130).
 * The {@code wait -- CMD} command installs its own handlers instead (it forwards them to CMD).
 */
final class StopSignals {

    private static final Logger LOG = Logger.getLogger("dev.cloudsqlguard");

    private StopSignals() {
    }

    static void install() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), s -> {
                    GuardLogFilter.stopping();
                    LOG.infof("SIG%s received: stopping", name);
                    Quarkus.asyncExit(0);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debugf("cannot handle SIG%s (%s): the runtime's default applies", name, e.getMessage());
            }
        }
    }
}
