package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.wire.HandshakeReader;
import dev.cloudsqlguard.probe.wire.HandshakeVerdict;
import dev.cloudsqlguard.probe.wire.PgWire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code handshake} stage over a fresh connection: send a StartupMessage and read the server's
 * first answer within the timeout. No credentials are sent (pg_isready's semantics): the
 * connection is closed as soon as the server asks for authentication, which the server does not
 * log as an error. The answer is judged by {@link HandshakeReader}; a refusal is thrown as is.
 */
final class HandshakeStage {

    static final String APPLICATION_NAME = "cloudsql-guard";

    /**
     * @param encrypted whether the connection negotiated TLS (a plain one refused for want of it is {@code tls_required})
     * @return the authentication the server asked for (its acceptable answer); {@code "unknown"} when it
     *         answered with an error that still proves it is up (28P01 before any request, for instance)
     */
    String run(Connection c, String user, String database, boolean encrypted, Duration timeout) throws StageFailure {
        long deadline = c.now() + timeout.toNanos();
        try {
            if (!c.write(ByteBuffer.wrap(PgWire.startupMessage(user, database, APPLICATION_NAME)), deadline)) {
                throw timeout(timeout);
            }
            HandshakeReader reader = new HandshakeReader(encrypted);
            ByteBuffer in = ByteBuffer.allocate(1024);
            while (true) {
                in.clear();
                int n = c.read(in, deadline);
                if (n < 0) {
                    return judge(reader.endOfStream());
                }
                if (n == 0) {
                    throw timeout(timeout);
                }
                in.flip();
                Optional<HandshakeVerdict> verdict = reader.feed(in);
                if (verdict.isPresent()) {
                    return judge(verdict.get());
                }
            }
        } catch (javax.net.ssl.SSLException e) {
            // TLS 1.3: the server judges the client certificate after the client's side of the
            // handshake is done, so its refusal (an alert) arrives with the first answer read here
            throw new StageFailure(Reason.TLS_FAILED, TlsFailures.describe(e, "the server", "ssl-root-cert"));
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, ConnectStage.describe(e));
        }
    }

    private static String judge(HandshakeVerdict verdict) throws StageFailure {
        if (verdict.failure().isPresent()) {
            throw new StageFailure(verdict.failure().get());
        }
        return verdict.authentication() != null ? verdict.authentication() : "unknown";
    }

    private static StageFailure timeout(Duration timeout) {
        return new StageFailure(Reason.HANDSHAKE_TIMEOUT,
                "connected, but no answer to the startup message within " + timeout.toMillis() + " ms");
    }
}
