package dev.cloudsqlguard.probe.walk;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a {@link Connection}'s non-blocking socket with the JDK's {@link SSLEngine}: the
 * handshake and every read and write are bounded by the caller's deadline, like the plain ones.
 * {@code netIn} and {@code appIn} are kept ready for filling, and only the bytes the server sent after its 'S'
 * answer reach it (the one-byte answer is read on its own, so no plaintext can be smuggled in
 * ahead of the handshake: CVE-2021-23222).
 */
final class TlsChannel {

    /** The handshake did not finish before the deadline. */
    static final class HandshakeTimeout extends IOException {
        HandshakeTimeout() {
            super("the TLS handshake did not finish in time");
        }
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Connection raw;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private ByteBuffer appIn;

    TlsChannel(SSLEngine engine, Connection raw) {
        this.engine = engine;
        this.raw = raw;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    SSLEngine engine() {
        return engine;
    }

    /**
     * Runs the whole handshake.
     *
     * @throws SSLException      the handshake failed (an alert, a certificate the checks refuse)
     * @throws HandshakeTimeout  the deadline passed first
     * @throws EOFException      the server closed the connection during the handshake
     */
    void handshake(long deadline) throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> status = wrap(EMPTY, deadline).getHandshakeStatus();
                case NEED_TASK -> status = runTasks();
                default -> {
                    SSLEngineResult result = unwrap();
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EOFException("the server closed the TLS session during the handshake");
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        fill(deadline);
                    }
                    status = result.getHandshakeStatus();
                }
            }
        }
    }

    /** @return false when the deadline passed before everything was written */
    boolean write(ByteBuffer src, long deadline) throws IOException {
        while (src.hasRemaining()) {
            try {
                wrap(src, deadline);
            } catch (HandshakeTimeout e) {
                return false;
            }
        }
        return true;
    }

    /** @return bytes read (at least one), -1 at the end of the stream, 0 when the deadline passed */
    int read(ByteBuffer dst, long deadline) throws IOException {
        while (appIn.position() == 0) {
            SSLEngineResult result = unwrap();
            if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks(); // a TLS 1.3 session ticket
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                return -1;
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                int n = readMore(deadline);
                if (n <= 0) {
                    return n;
                }
            }
        }
        appIn.flip();
        int n = Math.min(dst.remaining(), appIn.remaining());
        dst.put(appIn.slice().limit(n));
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    /** Sends close_notify if the socket takes it at once; never waits. */
    void closeQuietly() {
        try {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            netOut.flip();
            raw.channel.write(netOut);
        } catch (IOException | RuntimeException ignored) {
            // the connection is being dropped anyway
        }
    }

    private SSLEngineResult wrap(ByteBuffer src, long deadline) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(src, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                continue;
            }
            netOut.flip();
            if (!raw.writePlain(netOut, deadline)) {
                throw new HandshakeTimeout();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS session was closed while writing");
            }
            return result;
        }
    }

    /** One unwrap of what {@code netIn} holds into {@code appIn} (both in filling mode around it). */
    private SSLEngineResult unwrap() throws SSLException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                appIn.flip();
                bigger.put(appIn);
                appIn = bigger;
                continue;
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !netIn.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                netIn.flip();
                bigger.put(netIn);
                netIn = bigger;
            }
            return result;
        }
    }

    private void fill(long deadline) throws IOException {
        int n = readMore(deadline);
        if (n < 0) {
            throw new EOFException("the server closed the connection during the TLS handshake");
        }
        if (n == 0) {
            throw new HandshakeTimeout();
        }
    }

    private int readMore(long deadline) throws IOException {
        return raw.readPlain(netIn, deadline);
    }

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }
}
