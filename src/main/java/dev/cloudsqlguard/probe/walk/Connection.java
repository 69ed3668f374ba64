package dev.cloudsqlguard.probe.walk;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.LongSupplier;

/**
 * One fresh, non-blocking connection to the target (a Unix socket or TCP), opened by the connect
 * stage and used by the tls and handshake stages. Every wait on it is bounded by a deadline in the
 * injected nanosecond clock. Once {@link #upgrade upgraded}, {@link #read} and {@link #write} go
 * through TLS; {@link #readPlain} and {@link #writePlain} always reach the socket itself.
 */
final class Connection implements AutoCloseable {

    final SocketChannel channel;
    final Selector selector;
    private final LongSupplier nanoTime;
    private SelectionKey key;
    private TlsChannel tls;

    private Connection(SocketChannel channel, Selector selector, LongSupplier nanoTime) {
        this.channel = channel;
        this.selector = selector;
        this.nanoTime = nanoTime;
    }

    static Connection create(SocketAddress address, LongSupplier nanoTime) throws IOException {
        StandardProtocolFamily family = address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof java.net.Inet6Address
                        ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        SocketChannel channel = SocketChannel.open(family);
        try {
            channel.configureBlocking(false);
            if (family != StandardProtocolFamily.UNIX) {
                // as libpq: without it, the StartupMessage written right after the client's TLS Finished
                // waits for the server's delayed ACK (Nagle), 40 ms on Linux
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            }
            return new Connection(channel, Selector.open(), nanoTime);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Waits until {@code key} is ready or the deadline passes.
     *
     * @return false when the deadline has passed
     */
    boolean await(SelectionKey key, long deadline) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            // the guard is stopping: an interrupted select returns at once, and would spin to the deadline
            throw new java.io.InterruptedIOException("the probe was interrupted");
        }
        long left = deadline - now();
        if (left <= 0) {
            return false;
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().remove(key);
        return true;
    }

    /** From now on, {@link #read} and {@link #write} are encrypted by {@code session}. */
    void upgrade(TlsChannel session) {
        this.tls = session;
    }

    /** @return false when the deadline passed before everything was written */
    boolean write(ByteBuffer src, long deadline) throws IOException {
        return tls == null ? writePlain(src, deadline) : tls.write(src, deadline);
    }

    /** @return bytes read (at least one), -1 at the end of the stream, 0 when the deadline passed */
    int read(ByteBuffer dst, long deadline) throws IOException {
        return tls == null ? readPlain(dst, deadline) : tls.read(dst, deadline);
    }

    boolean writePlain(ByteBuffer src, long deadline) throws IOException {
        SelectionKey k = key(SelectionKey.OP_WRITE);
        while (src.hasRemaining()) {
            channel.write(src);
            if (src.hasRemaining() && !await(k, deadline)) {
                return false;
            }
        }
        return true;
    }

    int readPlain(ByteBuffer dst, long deadline) throws IOException {
        SelectionKey k = key(SelectionKey.OP_READ);
        while (true) {
            int n = channel.read(dst);
            if (n != 0) {
                return n;
            }
            if (!await(k, deadline)) {
                return 0;
            }
        }
    }

    private SelectionKey key(int ops) throws IOException {
        if (key == null) {
            key = channel.register(selector, ops);
        } else {
            key.interestOps(ops);
        }
        return key;
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            if (tls != null) {
                tls.closeQuietly(); // close_notify: the server ends the session without logging a reset
            }
            selector.close();
        }
    }
}
