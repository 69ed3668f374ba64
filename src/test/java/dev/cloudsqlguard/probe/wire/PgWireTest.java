package dev.cloudsqlguard.probe.wire;

import static dev.cloudsqlguard.probe.wire.Wire.fields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgWireTest {

    @Test
    void protocolConstants() {
        assertThat(PgWire.PROTOCOL_3_0).isEqualTo(196608).isEqualTo(3 << 16);
        assertThat(PgWire.MAX_MESSAGE_LENGTH).isEqualTo(65536);
    }

    @Test
    void startupMessageLayout() {
        byte[] msg = PgWire.startupMessage("alice", "orders", "cloudsql-guard");
        ByteBuffer b = ByteBuffer.wrap(msg);
        assertThat(b.getInt()).as("length counts the whole message").isEqualTo(msg.length);
        assertThat(b.getInt()).as("protocol version").isEqualTo(196608);
        byte[] rest = Arrays.copyOfRange(msg, 8, msg.length);
        assertThat(cstrings(rest)).containsExactly(
                "user", "alice", "database", "orders", "application_name", "cloudsql-guard", "");
        assertThat(msg[msg.length - 1]).as("terminating NUL").isZero();
        assertThat(msg[msg.length - 2]).as("NUL of the last value").isZero();
        String expected = "user\0alice\0database\0orders\0application_name\0cloudsql-guard\0\0";
        assertThat(new String(rest, StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(msg.length).isEqualTo(8 + expected.length());
    }

    @Test
    void startupMessageLengthIsInUtf8Bytes() {
        byte[] msg = PgWire.startupMessage("josé", "données", "g");
        int pairs = ("user\0josé\0database\0données\0application_name\0g\0\0").getBytes(StandardCharsets.UTF_8).length;
        assertThat(msg.length).isEqualTo(8 + pairs);
        assertThat(ByteBuffer.wrap(msg).getInt()).isEqualTo(8 + pairs);
        assertThat(cstrings(Arrays.copyOfRange(msg, 8, msg.length))).contains("josé", "données");
    }

    @Test
    void startupMessageWithEmptyValues() {
        byte[] msg = PgWire.startupMessage("", "", "");
        assertThat(ByteBuffer.wrap(msg).getInt()).isEqualTo(msg.length);
        assertThat(cstrings(Arrays.copyOfRange(msg, 8, msg.length)))
                .containsExactly("user", "", "database", "", "application_name", "", "");
    }

    @Test
    void errorFieldsParsesEveryField() {
        Map<Character, String> f = PgWire.errorFields(fields(
                "S", "FATAL", "V", "FATAL", "C", "57P03", "M", "the database system is starting up",
                "F", "postmaster.c", "L", "2345", "R", "ProcessStartupPacket"));
        assertThat(f).containsOnly(
                entry('S', "FATAL"), entry('V', "FATAL"), entry('C', "57P03"),
                entry('M', "the database system is starting up"),
                entry('F', "postmaster.c"), entry('L', "2345"), entry('R', "ProcessStartupPacket"));
    }

    @Test
    void errorFieldsDecodesUtf8() {
        Map<Character, String> f = PgWire.errorFields(fields(
                "C", "3D000", "M", "la base de données « entrepôt » n'existe pas", "D", "日本語"));
        assertThat(f.get('M')).isEqualTo("la base de données « entrepôt » n'existe pas");
        assertThat(f.get('D')).isEqualTo("日本語");
    }

    @Test
    void errorFieldsOfAnEmptyBody() {
        assertThat(PgWire.errorFields(new byte[0])).isEmpty();
        assertThat(PgWire.errorFields(new byte[] {0})).isEmpty();
    }

    @Test
    void errorFieldsStopsAtTheTerminator() {
        byte[] body = Wire.concat(fields("C", "57P03"), "Mignored\0".getBytes(StandardCharsets.UTF_8));
        assertThat(PgWire.errorFields(body)).containsOnly(entry('C', "57P03"));
    }

    @Test
    void errorFieldsWithoutTheFinalTerminator() {
        byte[] body = "C57P03\0Mshutting down\0".getBytes(StandardCharsets.UTF_8);
        assertThat(PgWire.errorFields(body)).containsOnly(entry('C', "57P03"), entry('M', "shutting down"));
    }

    @Test
    void errorFieldsWithAValueCutShort() {
        byte[] body = "C57P03\0Mshutt".getBytes(StandardCharsets.UTF_8);
        assertThat(PgWire.errorFields(body)).containsOnly(entry('C', "57P03"), entry('M', "shutt"));
        assertThat(PgWire.errorFields(new byte[] {'C'})).containsOnly(entry('C', ""));
    }

    @Test
    void errorFieldsLastValueOfARepeatedCodeWins() {
        assertThat(PgWire.errorFields(fields("M", "first", "M", "second"))).containsOnly(entry('M', "second"));
    }

    private static List<String> cstrings(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        assertThat(start).as("everything is NUL-terminated").isEqualTo(bytes.length);
        return out;
    }

    @Test
    void sslRequestIsLengthEightAndTheRequestCode() {
        // 80877103 = 1234 << 16 | 5679, as the protocol documentation spells it
        assertThat(PgWire.sslRequest()).containsExactly(0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f);
        assertThat(PgWire.SSL_REQUEST_CODE).isEqualTo(1234 << 16 | 5679);
    }
}
