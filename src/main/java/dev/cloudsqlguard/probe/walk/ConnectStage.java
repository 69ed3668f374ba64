package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.StageFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The {@code connect} stage: open a connection within the timeout. A refused connection is a stale
 * socket or a closed port; a full listen backlog (EAGAIN on a Unix socket) or a dropped SYN is a
 * timeout: the server or the network is not accepting.
 */
final class ConnectStage {

    private final LongSupplier nanoTime;

    ConnectStage(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** @return the open connection, which the caller closes */
    Connection run(SocketAddress address, Duration timeout) throws StageFailure {
        Connection c;
        try {
            c = Connection.create(address, nanoTime);
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, describe(e));
        }
        try {
            connect(c, address, timeout);
            return c;
        } catch (StageFailure | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void connect(Connection c, SocketAddress address, Duration timeout) throws StageFailure {
        try {
            if (c.channel.connect(address)) {
                return;
            }
            SelectionKey key = c.channel.register(c.selector, SelectionKey.OP_CONNECT);
            long deadline = c.now() + timeout.toNanos();
            while (true) {
                if (key.isValid() && key.isConnectable() && c.channel.finishConnect()) {
                    key.cancel();
                    c.selector.selectNow(); // flush the cancelled key so the channel can register again
                    return;
                }
                if (!c.await(key, deadline)) {
                    throw new StageFailure(Reason.CONNECT_TIMEOUT, "no connection after " + timeout.toMillis() + " ms");
                }
            }
        } catch (ConnectException e) {
            throw new StageFailure(Reason.CONNECT_REFUSED, describe(e));
        } catch (NoSuchFileException e) {
            throw new StageFailure(Reason.SOCKET_MISSING, "the socket file disappeared: " + describe(e));
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("no such file")) {
                throw new StageFailure(Reason.SOCKET_MISSING, "the socket file disappeared: " + describe(e));
            }
            if (message.contains("resource temporarily unavailable")) {
                // AF_UNIX reports a full listen backlog as EAGAIN: the server is not accepting.
                throw new StageFailure(Reason.CONNECT_TIMEOUT, "the server's listen backlog is full: it is not accepting connections");
            }
            if (message.contains("refused")) {
                throw new StageFailure(Reason.CONNECT_REFUSED, describe(e));
            }
            throw new StageFailure(Reason.IO_ERROR, describe(e));
        }
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // a connection that failed to open has nothing left to flush
        }
    }
}
