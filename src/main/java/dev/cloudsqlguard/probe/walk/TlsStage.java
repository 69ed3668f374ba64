package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.TlsSession;
import dev.cloudsqlguard.probe.wire.HandshakeReader;
import dev.cloudsqlguard.probe.wire.HandshakeVerdict;
import dev.cloudsqlguard.probe.wire.PgWire;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The {@code tls} stage: send SSLRequest, read the server's one-byte answer, and on 'S' run the
 * TLS handshake within the timeout and upgrade the connection, so that the StartupMessage goes
 * over TLS. On 'N' the server declines: a failure ({@code tls_unavailable}) when the mode requires
 * TLS, else the probe goes on in plain text ({@code prefer}) and reports no tls stage.
 */
final class TlsStage {

    /**
     * Sends SSLRequest and reads the one-byte answer. A server that does not answer it has not
     * answered the first message of the handshake: those failures belong to the handshake stage
     * (the walker reports them there); only {@code tls_unavailable} is the tls stage's own.
     *
     * @return true when the server offers TLS ('S'), false when it declines and the mode allows plain text
     */
    boolean request(Connection c, TlsContext context, long deadline, Duration timeout) throws StageFailure {
        try {
            if (!c.writePlain(ByteBuffer.wrap(PgWire.sslRequest()), deadline)) {
                throw timeout("no answer to the SSL request", timeout);
            }
            ByteBuffer answer = ByteBuffer.allocate(1); // exactly one byte: nothing after it may be read in plain text
            int n = c.readPlain(answer, deadline);
            if (n == 0) {
                throw timeout("connected, but no answer to the SSL request", timeout);
            }
            if (n < 0) {
                throw new StageFailure(Reason.IO_ERROR, "the server closed the connection without answering the SSL request");
            }
            byte b = answer.get(0);
            if (b == 'S') {
                return true;
            }
            if (b == 'N') {
                if (context.mode().requiresTls()) {
                    throw new StageFailure(Reason.TLS_UNAVAILABLE, "the server declined TLS (answered N to the SSL "
                            + "request) and ssl-mode is " + context.mode().code());
                }
                return false;
            }
            if (b == 'E') {
                throw refusal(c, answer, deadline, timeout);
            }
            throw new StageFailure(Reason.PROTOCOL_ERROR, String.format(
                    "unexpected byte 0x%02x in answer to the SSL request: not a PostgreSQL server", b & 0xff));
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, ConnectStage.describe(e));
        }
    }

    /** After 'S': the TLS handshake within the deadline; the connection is upgraded when it succeeds. */
    TlsSession negotiate(Connection c, TlsContext context, Endpoint.Tcp endpoint, long deadline, Duration timeout)
            throws StageFailure {
        try {
            TlsChannel tls = new TlsChannel(context.engine(endpoint.host(), endpoint.port()), c);
            tls.handshake(deadline);
            c.upgrade(tls);
            return session(tls.engine().getSession(), context);
        } catch (TlsChannel.HandshakeTimeout e) {
            throw timeout("the TLS handshake did not finish", timeout);
        } catch (SSLException e) {
            throw new StageFailure(Reason.TLS_FAILED, TlsFailures.describe(e, endpoint.host(), context.rootsSource()));
        } catch (EOFException e) {
            throw new StageFailure(Reason.TLS_FAILED, e.getMessage());
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, ConnectStage.describe(e));
        }
    }

    /** An ErrorResponse instead of S or N: read it; a busy or starting server says so here. */
    private static StageFailure refusal(Connection c, ByteBuffer first, long deadline, Duration timeout)
            throws IOException {
        HandshakeReader reader = new HandshakeReader(true);
        first.flip();
        Optional<HandshakeVerdict> verdict = reader.feed(first);
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (verdict.isEmpty()) {
            in.clear();
            int n = c.readPlain(in, deadline);
            if (n == 0) {
                return timeout("an incomplete answer to the SSL request", timeout);
            }
            if (n < 0) {
                verdict = Optional.of(reader.endOfStream());
            } else {
                in.flip();
                verdict = reader.feed(in);
            }
        }
        HandshakeVerdict v = verdict.get();
        return v.failure().map(StageFailure::new).orElseGet(() -> new StageFailure(Reason.TLS_UNAVAILABLE,
                v.sqlState(), "the server answered the SSL request with an error: " + v.detail()));
    }

    private static TlsSession session(SSLSession session, TlsContext context) throws SSLException {
        Certificate[] peer = session.getPeerCertificates();
        Instant expiry = peer.length > 0 && peer[0] instanceof X509Certificate x509
                ? x509.getNotAfter().toInstant() : Instant.EPOCH;
        return new TlsSession(session.getProtocol(), session.getCipherSuite(), expiry, context.verified());
    }

    private static StageFailure timeout(String what, Duration timeout) {
        return new StageFailure(Reason.HANDSHAKE_TIMEOUT, what + " within " + timeout.toMillis() + " ms");
    }
}
