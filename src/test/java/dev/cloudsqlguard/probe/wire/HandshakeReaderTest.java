package dev.cloudsqlguard.probe.wire;

import static dev.cloudsqlguard.probe.wire.Wire.authenticationOk;
import static dev.cloudsqlguard.probe.wire.Wire.concat;
import static dev.cloudsqlguard.probe.wire.Wire.cstrings;
import static dev.cloudsqlguard.probe.wire.Wire.errorResponse;
import static dev.cloudsqlguard.probe.wire.Wire.fields;
import static dev.cloudsqlguard.probe.wire.Wire.int32s;
import static dev.cloudsqlguard.probe.wire.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.probe.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HandshakeReaderTest {

    // ---- answer shapes ---------------------------------------------------------------------

    /**
     * Every answer shape: the bytes the server sends, the verdict expected, and how many bytes
     * the reader needs before it can decide (an authentication request once it is whole: it names the method).
     */
    static Stream<Arguments> answers() {
        byte[] sasl = message('R', concat(int32s(10), cstrings("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "")));
        byte[] md5 = message('R', concat(int32s(5), new byte[] {1, 2, 3, 4}));
        byte[] cleartext = message('R', int32s(3));
        byte[] notice = message('N', fields("S", "WARNING", "V", "WARNING", "C", "01000", "M", "just saying"));
        byte[] starting = errorResponse("57P03", "the database system is starting up");
        byte[] negotiate = message('v', concat(int32s(0, 1), cstrings("_pq_.unknown_option")));
        byte[] hugeNotice = message('N', fields("S", "NOTICE", "C", "00000", "M", "x".repeat(10_000)));
        return Stream.of(
                answer("AuthenticationOk", authenticationOk(), HandshakeVerdict.accepted("trust"), 9),
                answer("AuthenticationSASL", sasl, HandshakeVerdict.accepted("SCRAM-SHA-256/SCRAM-SHA-256-PLUS"), sasl.length),
                answer("AuthenticationMD5Password", md5, HandshakeVerdict.accepted("md5"), md5.length),
                answer("AuthenticationCleartextPassword", cleartext, HandshakeVerdict.accepted("password"), 9),
                answer("57P03 starting up", starting,
                        HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "the database system is starting up"),
                        starting.length),
                answer("57P01 admin shutdown", errorResponse("57P01", "terminating connection due to administrator command"),
                        HandshakeVerdict.failed(Reason.SERVER_SHUTTING_DOWN, "57P01",
                                "terminating connection due to administrator command"), -1),
                answer("57P02 crash shutdown", errorResponse("57P02", "crash"),
                        HandshakeVerdict.failed(Reason.SERVER_SHUTTING_DOWN, "57P02", "crash"), -1),
                answer("53300 too many connections", errorResponse("53300", "sorry, too many clients already"),
                        HandshakeVerdict.failed(Reason.TOO_MANY_CONNECTIONS, "53300", "sorry, too many clients already"), -1),
                answer("08P01 protocol violation", errorResponse("08P01", "invalid startup packet layout"),
                        HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, "08P01", "invalid startup packet layout"), -1),
                answer("0A000 unsupported protocol", errorResponse("0A000", "unsupported frontend protocol 3.0"),
                        HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, "0A000", "unsupported frontend protocol 3.0"), -1),
                answer("28P01 bad password: server is up", errorResponse("28P01", "password authentication failed"),
                        new HandshakeVerdict(Optional.empty(), "28P01", "password authentication failed"), -1),
                answer("28000 no pg_hba entry: server is up", errorResponse("28000", "no pg_hba.conf entry"),
                        new HandshakeVerdict(Optional.empty(), "28000", "no pg_hba.conf entry"), -1),
                answer("3D000 no database: server is up", errorResponse("3D000", "database \"x\" does not exist"),
                        new HandshakeVerdict(Optional.empty(), "3D000", "database \"x\" does not exist"), -1),
                answer("unknown SQLSTATE: server is up", errorResponse("XX000", "internal error"),
                        new HandshakeVerdict(Optional.empty(), "XX000", "internal error"), -1),
                answer("ErrorResponse without C field", message('E', fields("S", "FATAL", "M", "no code")),
                        HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, null, "no code"), -1),
                answer("ErrorResponse without M field", message('E', fields("S", "FATAL", "C", "57P03")),
                        HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "error response without message"), -1),
                answer("ErrorResponse with empty body", message('E', new byte[0]),
                        HandshakeVerdict.failed(Reason.PROTOCOL_ERROR, null, "error response without message"), -1),
                answer("NoticeResponse then ErrorResponse", concat(notice, starting),
                        HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "the database system is starting up"),
                        notice.length + starting.length),
                answer("NoticeResponse then AuthenticationOk", concat(notice, authenticationOk()),
                        HandshakeVerdict.accepted("trust"), notice.length + 9),
                answer("NegotiateProtocolVersion then AuthenticationOk", concat(negotiate, authenticationOk()),
                        HandshakeVerdict.accepted("trust"), negotiate.length + 9),
                answer("NegotiateProtocolVersion, NoticeResponse, ErrorResponse", concat(negotiate, notice, starting),
                        HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "the database system is starting up"),
                        negotiate.length + notice.length + starting.length),
                answer("empty NoticeResponse (length 4) then AuthenticationOk", concat(message('N', new byte[0]), authenticationOk()),
                        HandshakeVerdict.accepted("trust"), 5 + 9),
                answer("10 KB NoticeResponse then ErrorResponse", concat(hugeNotice, starting),
                        HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "the database system is starting up"),
                        hugeNotice.length + starting.length));
    }

    private static Arguments answer(String name, byte[] bytes, HandshakeVerdict expected, int neededBytes) {
        return Arguments.of(Named.of(name, bytes), expected, neededBytes < 0 ? bytes.length : neededBytes);
    }

    @ParameterizedTest(name = "{0}: whole")
    @MethodSource("answers")
    void decidesOnTheWholeAnswer(byte[] bytes, HandshakeVerdict expected, int needed) {
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(bytes))).contains(expected);
    }

    @ParameterizedTest(name = "{0}: one byte at a time")
    @MethodSource("answers")
    void decidesOneByteAtATimeExactlyWhenTheLastNeededByteArrives(byte[] bytes, HandshakeVerdict expected, int needed) {
        HandshakeReader reader = new HandshakeReader();
        for (int i = 0; i < bytes.length; i++) {
            Optional<HandshakeVerdict> verdict = reader.feed(ByteBuffer.wrap(bytes, i, 1));
            if (i + 1 < needed) {
                assertThat(verdict).as("verdict after %d of %d needed bytes", i + 1, needed).isEmpty();
            } else {
                assertThat(verdict).as("verdict after %d bytes", i + 1).contains(expected);
                return;
            }
        }
        throw new AssertionError("no verdict after all " + bytes.length + " bytes");
    }

    @ParameterizedTest(name = "{0}: split at every position")
    @MethodSource("answers")
    void decidesWhenSplitInTwoAtEveryPosition(byte[] bytes, HandshakeVerdict expected, int needed) {
        for (int split = 0; split <= bytes.length; split++) {
            HandshakeReader reader = new HandshakeReader();
            Optional<HandshakeVerdict> first = reader.feed(ByteBuffer.wrap(Arrays.copyOfRange(bytes, 0, split)));
            if (split >= needed) {
                assertThat(first).as("split at %d", split).contains(expected);
                continue;
            }
            assertThat(first).as("split at %d", split).isEmpty();
            Optional<HandshakeVerdict> second = reader.feed(ByteBuffer.wrap(Arrays.copyOfRange(bytes, split, bytes.length)));
            assertThat(second).as("split at %d", split).contains(expected);
        }
    }

    @Test
    void feedConsumesTheBuffer() {
        ByteBuffer buffer = ByteBuffer.wrap(authenticationOk());
        new HandshakeReader().feed(buffer);
        assertThat(buffer.hasRemaining()).isFalse();
    }

    @Test
    void feedReadsFromTheBufferPositionOnly() {
        byte[] withPrefix = concat(new byte[] {'H', 'T'}, authenticationOk());
        ByteBuffer buffer = ByteBuffer.wrap(withPrefix);
        buffer.position(2);
        assertThat(new HandshakeReader().feed(buffer)).hasValueSatisfying(v -> assertThat(v.reason()).isEmpty());
    }

    @Test
    void acceptedVerdicts() {
        HandshakeVerdict ok = new HandshakeReader().feed(ByteBuffer.wrap(authenticationOk())).orElseThrow();
        assertThat(ok.reason()).isEmpty();
        assertThat(ok.sqlState()).isNull();
        assertThat(ok.authentication()).isEqualTo("trust");
        assertThat(ok.detail()).isEqualTo("server asked for trust authentication");

        HandshakeVerdict badPassword = new HandshakeReader()
                .feed(ByteBuffer.wrap(errorResponse("28P01", "password authentication failed for user \"x\"")))
                .orElseThrow();
        assertThat(badPassword.reason()).isEmpty();
        assertThat(badPassword.sqlState()).isEqualTo("28P01");
        assertThat(badPassword.authentication()).isNull();
    }

    @Test
    void theAuthenticationMethodIsReadFromTheRequest() {
        assertThat(PgWire.authenticationMethod(int32s(10))).as("SASL without mechanisms").isEqualTo("SASL");
        assertThat(PgWire.authenticationMethod(concat(int32s(10), cstrings("SCRAM-SHA-256", ""))))
                .isEqualTo("SCRAM-SHA-256");
        assertThat(PgWire.authenticationMethod(int32s(7))).isEqualTo("gss");
        assertThat(PgWire.authenticationMethod(int32s(42))).isEqualTo("method 42");
        assertThat(PgWire.authenticationMethod(new byte[] {0, 0})).isEqualTo("an unreadable");
    }

    @Test
    void emptyFeedNeedsMore() {
        assertThat(new HandshakeReader().feed(ByteBuffer.allocate(0))).isEmpty();
    }

    @Test
    void errorMessageInUtf8IsDecoded() {
        byte[] bytes = errorResponse("57P03", "le système de base de données démarre");
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(bytes)))
                .contains(HandshakeVerdict.failed(Reason.SERVER_STARTING, "57P03", "le système de base de données démarre"));
    }

    // ---- not PostgreSQL --------------------------------------------------------------------

    @Test
    void httpServerIsAProtocolErrorAtTheFirstByte() {
        HandshakeReader reader = new HandshakeReader();
        Optional<HandshakeVerdict> verdict = reader.feed(ByteBuffer.wrap(new byte[] {'H'}));
        assertThat(verdict).hasValueSatisfying(v -> {
            assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR);
            assertThat(v.sqlState()).isNull();
            assertThat(v.detail()).contains("0x48");
        });
        byte[] http = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(http)))
                .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
    }

    @Test
    void zeroByteIsAProtocolError() {
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(new byte[] {0})))
                .hasValueSatisfying(v -> {
                    assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR);
                    assertThat(v.detail()).contains("0x00");
                });
    }

    @Test
    void highByteIsAProtocolErrorAndPrintedUnsigned() {
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, 0, 0, 8})))
                .hasValueSatisfying(v -> {
                    assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR);
                    assertThat(v.detail()).contains("0xff");
                });
    }

    @Test
    void backendMessagesThatCannotComeFirstAreProtocolErrors() {
        // ParameterStatus, ReadyForQuery, BackendKeyData only follow a successful authentication.
        for (char type : new char[] {'S', 'Z', 'K', 'T', 'D', 'C'}) {
            assertThat(new HandshakeReader().feed(ByteBuffer.wrap(message(type, int32s(0)))))
                    .as("type %s", type)
                    .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
        }
    }

    @Test
    void garbageAfterAnInformationalMessageIsAProtocolError() {
        byte[] notice = message('N', fields("M", "hello"));
        byte[] bytes = concat(notice, "HTTP/1.1".getBytes(StandardCharsets.US_ASCII));
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(bytes)))
                .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
    }

    @Test
    void lengthAboveSixtyFourKibIsAProtocolErrorWithoutWaitingForTheBody() {
        for (char type : new char[] {'R', 'E', 'N', 'v'}) {
            byte[] header = message(type, PgWire.MAX_MESSAGE_LENGTH + 1, new byte[0]);
            assertThat(new HandshakeReader().feed(ByteBuffer.wrap(header)))
                    .as("type %s", type)
                    .hasValueSatisfying(v -> {
                        assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR);
                        assertThat(v.detail()).contains("implausible length " + (PgWire.MAX_MESSAGE_LENGTH + 1));
                    });
        }
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(message('E', Integer.MAX_VALUE, new byte[0]))))
                .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(message('E', -1, new byte[0]))))
                .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
    }

    @Test
    void lengthOfExactlySixtyFourKibIsBuffered() {
        HandshakeReader reader = new HandshakeReader();
        byte[] header = message('N', PgWire.MAX_MESSAGE_LENGTH, new byte[0]);
        assertThat(reader.feed(ByteBuffer.wrap(header))).isEmpty();
        byte[] body = new byte[PgWire.MAX_MESSAGE_LENGTH - 4];
        body[body.length - 1] = 0;
        assertThat(reader.feed(ByteBuffer.wrap(body))).isEmpty();
        assertThat(reader.feed(ByteBuffer.wrap(authenticationOk())))
                .hasValueSatisfying(v -> assertThat(v.reason()).isEmpty());
    }

    @Test
    void lengthBelowFourIsAProtocolError() {
        for (int length : new int[] {0, 1, 2, 3}) {
            for (char type : new char[] {'R', 'E', 'N', 'v'}) {
                assertThat(new HandshakeReader().feed(ByteBuffer.wrap(message(type, length, new byte[0]))))
                        .as("type %s length %d", type, length)
                        .hasValueSatisfying(v -> assertThat(v.reason()).contains(Reason.PROTOCOL_ERROR));
            }
        }
    }

    // ---- connection closed -----------------------------------------------------------------

    @Test
    void endOfStreamBeforeAnyByteIsAnIoError() {
        HandshakeVerdict verdict = new HandshakeReader().endOfStream();
        assertThat(verdict.reason()).contains(Reason.IO_ERROR);
        assertThat(verdict.sqlState()).isNull();
        assertThat(verdict.detail()).contains("without answering");
    }

    @Test
    void endOfStreamAfterAnEmptyFeedIsStillBeforeAnyByte() {
        HandshakeReader reader = new HandshakeReader();
        reader.feed(ByteBuffer.allocate(0));
        assertThat(reader.endOfStream().detail()).contains("without answering");
    }

    @Test
    void endOfStreamInTheMiddleOfAMessageIsAnIoError() {
        byte[] error = errorResponse("57P03", "the database system is starting up");
        for (int cut = 1; cut < error.length; cut++) {
            HandshakeReader reader = new HandshakeReader();
            assertThat(reader.feed(ByteBuffer.wrap(error, 0, cut))).isEmpty();
            HandshakeVerdict verdict = reader.endOfStream();
            assertThat(verdict.reason()).as("cut at %d", cut).contains(Reason.IO_ERROR);
            assertThat(verdict.detail()).contains("in the middle");
        }
    }

    @Test
    void endOfStreamAfterACompleteInformationalMessageIsAnIoError() {
        HandshakeReader reader = new HandshakeReader();
        assertThat(reader.feed(ByteBuffer.wrap(message('N', fields("M", "hi"))))).isEmpty();
        assertThat(reader.endOfStream().reason()).contains(Reason.IO_ERROR);
    }

    // ---- a server that takes only TLS --------------------------------------------------------

    private static final String NO_ENCRYPTION =
            "no pg_hba.conf entry for host \"10.0.0.7\", user \"guard\", database \"app\", no encryption";

    @Test
    void aPlainStartupRefusedForWantOfEncryptionIsTlsRequired() {
        Optional<HandshakeVerdict> v = new HandshakeReader().feed(ByteBuffer.wrap(errorResponse("28000", NO_ENCRYPTION)));
        assertThat(v).contains(HandshakeVerdict.failed(Reason.TLS_REQUIRED, "28000", NO_ENCRYPTION));
        // PostgreSQL before 12 said "SSL off"
        String old = "no pg_hba.conf entry for host \"10.0.0.7\", user \"guard\", database \"app\", SSL off";
        assertThat(new HandshakeReader(false).feed(ByteBuffer.wrap(errorResponse("28000", old))).get().reason())
                .contains(Reason.TLS_REQUIRED);
    }

    @Test
    void overTlsTheSameRefusalStillProvesTheServerIsUp() {
        String overTls = "no pg_hba.conf entry for host \"10.0.0.7\", user \"guard\", database \"app\", SSL encryption";
        assertThat(new HandshakeReader(true).feed(ByteBuffer.wrap(errorResponse("28000", overTls))))
                .contains(new HandshakeVerdict(Optional.empty(), "28000", overTls));
        assertThat(new HandshakeReader(true).feed(ByteBuffer.wrap(errorResponse("28000", NO_ENCRYPTION))).get().failure())
                .as("only a plain connection can be refused for want of TLS").isEmpty();
    }

    @Test
    void anotherSqlStateEndingLikeTheHbaMessageIsNotTlsRequired() {
        assertThat(new HandshakeReader().feed(ByteBuffer.wrap(errorResponse("28P01", "password failed, no encryption")))
                .get().failure()).isEmpty();
    }
}
