package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.StageFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code socket} stage: the socket file exists and is a socket (Unix), or the host name
 * resolves (TCP). A missing socket file is the classic symptom of a proxy that has not started
 * or a volume that is not mounted, so it is worth its own stage.
 */
final class SocketStage implements AutoCloseable {

    /** {@code S_IFMT} and {@code S_IFSOCK} from {@code sys/stat.h}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final ExecutorService resolver = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "guard-dns");
        t.setDaemon(true);
        return t;
    });

    /** @return the address the connect stage opens: the socket file, or the resolved host and port */
    SocketAddress run(Endpoint endpoint, Duration timeout) throws StageFailure {
        if (endpoint instanceof Endpoint.UnixSocket unix) {
            checkSocketFile(unix.socketFile());
            return UnixDomainSocketAddress.of(unix.socketFile());
        }
        Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
        return new InetSocketAddress(resolve(tcp.host(), timeout), tcp.port());
    }

    @Override
    public void close() {
        resolver.shutdownNow();
    }

    private void checkSocketFile(Path socketFile) throws StageFailure {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socketFile, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            Path dir = socketFile.getParent();
            String where = dir != null && !Files.isDirectory(dir)
                    ? "the directory " + dir + " does not exist either"
                    : "no " + socketFile.getFileName() + " in " + dir;
            throw new StageFailure(Reason.SOCKET_MISSING, where);
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, "cannot inspect " + socketFile + ": " + e.getMessage());
        }
        if (!attributes.isOther()) {
            throw new StageFailure(Reason.NOT_A_SOCKET, socketFile + " is a "
                    + (attributes.isDirectory() ? "directory" : attributes.isRegularFile() ? "regular file" : "symbolic link"));
        }
        Integer mode = unixMode(socketFile);
        if (mode != null && (mode & S_IFMT) != S_IFSOCK) {
            throw new StageFailure(Reason.NOT_A_SOCKET, socketFile + " is a special file but not a socket");
        }
    }

    private InetAddress resolve(String host, Duration timeout) throws StageFailure {
        Future<InetAddress> lookup = resolver.submit(() -> InetAddress.getByName(host));
        try {
            return lookup.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new StageFailure(Reason.DNS_FAILED, "resolving " + host + " took longer than " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw new StageFailure(Reason.DNS_FAILED, "unknown host " + host);
            }
            throw new StageFailure(Reason.DNS_FAILED, "resolving " + host + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageFailure(Reason.DNS_FAILED, "interrupted while resolving " + host);
        }
    }

    private static Integer unixMode(Path file) {
        try {
            Object mode = Files.getAttribute(file, "unix:mode");
            return mode instanceof Integer i ? i : null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // the "unix" attribute view is optional; isOther() already excluded files and dirs
        }
    }
}
