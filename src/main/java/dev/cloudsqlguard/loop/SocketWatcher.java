package dev.cloudsqlguard.loop;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Until the gate opens, watches the socket's directory (or, while it does not exist yet, its
 * nearest existing ancestor) and calls back on every create/delete, so the guard probes the
 * moment the Cloud SQL proxy creates its socket instead of at the next poll.
 */
public final class SocketWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SocketWatcher.class);

    private final Path socketFile;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean stopped;
    private WatchService service;

    public SocketWatcher(Path socketFile, Runnable onChange) {
        this.socketFile = socketFile;
        this.onChange = onChange;
        this.thread = new Thread(this::run, "guard-socket-watch");
        this.thread.setDaemon(true);
    }

    public void start() {
        try {
            service = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("cannot watch %s for the socket (%s); relying on polling", socketFile.getParent(), e.getMessage());
            return;
        }
        thread.start();
    }

    @Override
    public void close() {
        stopped = true;
        try {
            if (service != null) {
                service.close();
            }
        } catch (IOException ignored) {
            // closing a watch service cannot usefully fail
        }
    }

    private void run() {
        Path watched = null;
        WatchKey key = null;
        while (!stopped) {
            try {
                Path target = nearestExisting(socketFile.getParent());
                if (target != null && !target.equals(watched)) {
                    if (key != null) {
                        key.cancel();
                    }
                    key = target.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
                    watched = target;
                    LOG.debugf("watching %s for %s", watched, socketFile);
                    onChange.run(); // something may have appeared between the check and the registration
                }
                WatchKey signalled = service.poll(1, TimeUnit.SECONDS);
                if (signalled != null) {
                    signalled.pollEvents();
                    signalled.reset();
                    onChange.run();
                }
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (IOException e) {
                // the watched directory vanished or cannot be registered: look again shortly
                watched = null;
                sleepQuietly();
            } catch (RuntimeException e) {
                LOG.debugf("socket watcher: %s", e.toString());
                sleepQuietly();
            }
        }
    }

    private static Path nearestExisting(Path dir) {
        Path p = dir;
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p;
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }
}
