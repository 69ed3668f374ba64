package dev.cloudsqlguard.probe.walk;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.LongSupplier;

/**
 * One fresh, non-blocking connection to the target (a Unix socket or TCP), opened by the connect
 * stage and used by the handshake stage. Every wait on it is bounded by a deadline in the
 * injected nanosecond clock.
 */
final class Connection implements AutoCloseable {

    final SocketChannel channel;
    final Selector selector;
    private final LongSupplier nanoTime;

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
        long left = deadline - now();
        if (left <= 0) {
            return false;
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().remove(key);
        return true;
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            selector.close();
        }
    }
}
