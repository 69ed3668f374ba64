package dev.cloudsqlguard.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While {@code wait -- CMD} runs CMD, passes SIGTERM and SIGINT on to it instead of letting them
 * stop the guard, so the platform's shutdown reaches the app and the guard exits with the app's
 * code. Java can send SIGTERM itself; SIGINT goes through {@code kill -INT} when a kill binary
 * exists (minimal images may lack one: then SIGTERM is sent instead).
 */
final class SignalForwarder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SignalForwarder.class);
    private static final String[] KILL_BINARIES = {"/bin/kill", "/usr/bin/kill"};

    private final List<Restore> restores = new ArrayList<>();
    private Process child;
    /** A signal that arrived before the command was started: forwarded as soon as it is. */
    private String pending;

    private record Restore(Signal signal, SignalHandler previous) {
    }

    private SignalForwarder() {
    }

    /**
     * Takes over SIGTERM and SIGINT before the command starts, so that a signal arriving while it
     * starts is not taken as the guard's own shutdown (which would wait for a command that never
     * got it).
     */
    static SignalForwarder install() {
        SignalForwarder f = new SignalForwarder();
        f.handle("TERM");
        f.handle("INT");
        return f;
    }

    /** The command has started: signals go to it from now on, including one that came before. */
    synchronized void attach(Process started) {
        this.child = started;
        if (pending != null) {
            String name = pending;
            pending = null;
            forward(name);
        }
    }

    private void handle(String name) {
        try {
            Signal signal = new Signal(name);
            SignalHandler previous = Signal.handle(signal, s -> forward(name));
            restores.add(new Restore(signal, previous));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warnf("cannot forward SIG%s to the command: %s", name, e.getMessage());
        }
    }

    private synchronized void forward(String name) {
        if (child == null) {
            pending = name;
            return;
        }
        if (!child.isAlive()) {
            return;
        }
        if (name.equals("TERM")) {
            child.destroy(); // SIGTERM
            return;
        }
        for (String kill : KILL_BINARIES) {
            if (new File(kill).canExecute()) {
                try {
                    new ProcessBuilder(kill, "-" + name, Long.toString(child.pid())).inheritIO().start().waitFor();
                    return;
                } catch (Exception e) {
                    break;
                }
            }
        }
        child.destroy();
    }

    @Override
    public void close() {
        for (Restore r : restores) {
            try {
                Signal.handle(r.signal(), r.previous());
            } catch (IllegalArgumentException ignored) {
                // restoring the JVM's handler cannot usefully fail
            }
        }
    }
}
