package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.wire.HandshakeReader;
import dev.cloudsqlguard.probe.wire.HandshakeVerdict;
import dev.cloudsqlguard.probe.wire.PgWire;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The {@code connect} and {@code handshake} stages over one fresh connection: open it within
 * the timeout, send a StartupMessage, and read the server's first answer within the timeout.
 * No credentials are sent (pg_isready's semantics): the connection is closed as soon as the
 * server asks for authentication, which the server does not log as an error.
 */
final class HandshakeStage {

    private static final String APPLICATION_NAME = "cloudsql-guard";

    private final LongSupplier nanoTime;

    HandshakeStage(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Connects to {@code address} (a resolved TCP address or a Unix socket file) and runs the
     * handshake. The recorder's stage moves from CONNECT to HANDSHAKE inside.
     *
     * @return the handshake verdict when the server answered acceptably
     */
    HandshakeVerdict run(SocketAddress address, String user, String database, Duration timeout, StageTimer recorder)
            throws StageFailure {
        recorder.begin(Stage.CONNECT);
        StandardProtocolFamily family = address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (SocketChannel channel = SocketChannel.open(family); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            connect(channel, selector, address, timeout);
            recorder.begin(Stage.HANDSHAKE);
            return handshake(channel, selector, user, database, timeout);
        } catch (IOException e) {
            // open/close of the channel or selector itself failed
            throw new StageFailure(Reason.IO_ERROR, describe(e));
        }
    }

    static SocketAddress tcpAddress(InetAddress address, int port) {
        return new InetSocketAddress(address, port);
    }

    private void connect(SocketChannel channel, Selector selector, SocketAddress address, Duration timeout)
            throws StageFailure, IOException {
        try {
            if (channel.connect(address)) {
                return;
            }
            SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
            long deadline = nanoTime.getAsLong() + timeout.toNanos();
            while (true) {
                long left = deadline - nanoTime.getAsLong();
                if (left <= 0) {
                    throw new StageFailure(Reason.CONNECT_TIMEOUT, "no connection after " + timeout.toMillis() + " ms");
                }
                selector.select(Math.max(1, left / 1_000_000));
                if (key.isValid() && key.isConnectable() && selector.selectedKeys().remove(key)) {
                    if (channel.finishConnect()) {
                        key.cancel();
                        selector.selectNow(); // flush the cancelled key so the channel can register again
                        return;
                    }
                }
            }
        } catch (ConnectException e) {
            throw new StageFailure(Reason.CONNECT_REFUSED, describe(e));
        } catch (java.nio.file.NoSuchFileException e) {
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

    private HandshakeVerdict handshake(SocketChannel channel, Selector selector, String user, String database,
            Duration timeout) throws StageFailure {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        try {
            ByteBuffer out = ByteBuffer.wrap(PgWire.startupMessage(user, database, APPLICATION_NAME));
            SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                channel.write(out);
                if (out.hasRemaining()) {
                    await(selector, key, deadline, timeout);
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            HandshakeReader reader = new HandshakeReader();
            ByteBuffer in = ByteBuffer.allocate(1024);
            while (true) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    return raise(reader.endOfStream());
                }
                if (n > 0) {
                    in.flip();
                    Optional<HandshakeVerdict> verdict = reader.feed(in);
                    if (verdict.isPresent()) {
                        return raise(verdict.get());
                    }
                    continue;
                }
                await(selector, key, deadline, timeout);
            }
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, describe(e));
        }
    }

    private void await(Selector selector, SelectionKey key, long deadline, Duration timeout)
            throws IOException, StageFailure {
        long left = deadline - nanoTime.getAsLong();
        if (left <= 0) {
            throw new StageFailure(Reason.HANDSHAKE_TIMEOUT,
                    "connected, but no answer to the startup message within " + timeout.toMillis() + " ms");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().remove(key);
    }

    private static HandshakeVerdict raise(HandshakeVerdict verdict) throws StageFailure {
        if (verdict.reason().isPresent()) {
            throw new StageFailure(verdict.reason().get(), verdict.sqlState(), verdict.detail());
        }
        return verdict;
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
