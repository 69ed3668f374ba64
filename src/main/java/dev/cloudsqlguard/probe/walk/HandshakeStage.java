package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.wire.HandshakeReader;
import dev.cloudsqlguard.probe.wire.HandshakeVerdict;
import dev.cloudsqlguard.probe.wire.PgWire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
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

    /** @return a description of the server's acceptable answer */
    String run(Connection c, String user, String database, Duration timeout) throws StageFailure {
        long deadline = c.now() + timeout.toNanos();
        try {
            ByteBuffer out = ByteBuffer.wrap(PgWire.startupMessage(user, database, APPLICATION_NAME));
            SelectionKey key = c.channel.register(c.selector, SelectionKey.OP_WRITE);
            while (out.hasRemaining()) {
                c.channel.write(out);
                if (out.hasRemaining() && !c.await(key, deadline)) {
                    throw timeout(timeout);
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            HandshakeReader reader = new HandshakeReader();
            ByteBuffer in = ByteBuffer.allocate(1024);
            while (true) {
                in.clear();
                int n = c.channel.read(in);
                if (n < 0) {
                    return judge(reader.endOfStream());
                }
                if (n > 0) {
                    in.flip();
                    Optional<HandshakeVerdict> verdict = reader.feed(in);
                    if (verdict.isPresent()) {
                        return judge(verdict.get());
                    }
                } else if (!c.await(key, deadline)) {
                    throw timeout(timeout);
                }
            }
        } catch (IOException e) {
            throw new StageFailure(Reason.IO_ERROR, ConnectStage.describe(e));
        }
    }

    private static String judge(HandshakeVerdict verdict) throws StageFailure {
        if (verdict.failure().isPresent()) {
            throw new StageFailure(verdict.failure().get());
        }
        return verdict.detail();
    }

    private static StageFailure timeout(Duration timeout) {
        return new StageFailure(Reason.HANDSHAKE_TIMEOUT,
                "connected, but no answer to the startup message within " + timeout.toMillis() + " ms");
    }
}
