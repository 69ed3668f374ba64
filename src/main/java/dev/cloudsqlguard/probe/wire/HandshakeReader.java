package dev.cloudsqlguard.probe.wire;

import dev.cloudsqlguard.probe.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Incremental reader of the server's answer to a StartupMessage. Feed it bytes as they arrive;
 * it returns a verdict as soon as one complete, meaningful message has been seen. Separate from
 * the socket code so that every answer shape can be unit-tested with plain byte arrays.
 */
public final class HandshakeReader {

    private final boolean encrypted;
    private byte[] data = new byte[256];
    private int size;
    /** Start of the first message not yet consumed (informational messages are skipped). */
    private int offset;

    /** A reader of the answer on a plain (unencrypted) connection. */
    public HandshakeReader() {
        this(false);
    }

    /**
     * @param encrypted whether the StartupMessage went over TLS: on a plain connection, the server's
     *                  refusal for want of encryption is {@code tls_required}
     */
    public HandshakeReader(boolean encrypted) {
        this.encrypted = encrypted;
    }

    /**
     * Appends bytes and tries to decide.
     *
     * @return the verdict, or empty if more bytes are needed
     */
    public Optional<HandshakeVerdict> feed(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (size + n > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
        }
        bytes.get(data, size, n);
        size += n;
        return decide();
    }

    /** Called when the peer closed the connection before a verdict. */
    public HandshakeVerdict endOfStream() {
        return HandshakeVerdict.failed(Reason.IO_ERROR, null,
                size == 0
                        ? "the server closed the connection without answering the startup message"
                        : "the server closed the connection in the middle of its answer");
    }

    private Optional<HandshakeVerdict> decide() {
        while (true) {
            int available = size - offset;
            if (available < 1) {
                return Optional.empty();
            }
            byte type = data[offset];
            if (!isKnownFirstMessage(type)) {
                return Optional.of(HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, null,
                        String.format("unexpected byte 0x%02x: not a PostgreSQL server", type & 0xff)));
            }
            if (available < 5) {
                return Optional.empty();
            }
            int length = ByteBuffer.wrap(data, offset + 1, 4).getInt();
            if (length < 4 || length > PgWire.MAX_MESSAGE_LENGTH) {
                return Optional.of(HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, null,
                        "implausible length " + length + " for message type '" + (char) type + "'"));
            }
            if (available < 1 + length) {
                return Optional.empty();
            }
            byte[] body = Arrays.copyOfRange(data, offset + 5, offset + 1 + length);
            if (type == 'R') {
                // Any authentication request (or AuthenticationOk) means a backend accepted us.
                return Optional.of(HandshakeVerdict.accepted(PgWire.authenticationMethod(body)));
            }
            if (type == 'E') {
                return Optional.of(fromError(body));
            }
            // 'N' NoticeResponse or 'v' NegotiateProtocolVersion: informational, read on.
            offset += 1 + length;
        }
    }

    private HandshakeVerdict fromError(byte[] body) {
        Map<Character, String> fields = PgWire.errorFields(body);
        String sqlState = fields.get('C');
        String message = fields.getOrDefault('M', "error response without message");
        if (!encrypted && SqlStateClassifier.refusesUnencrypted(sqlState, message)) {
            return HandshakeVerdict.failed(Reason.TLS_REQUIRED, sqlState, message);
        }
        Optional<Reason> reason = SqlStateClassifier.atHandshake(sqlState);
        return reason.map(r -> HandshakeVerdict.failed(r, sqlState, message))
                .orElseGet(() -> new HandshakeVerdict(Optional.empty(), sqlState, message));
    }

    private static boolean isKnownFirstMessage(byte type) {
        return type == 'R' || type == 'E' || type == 'N' || type == 'v';
    }
}
