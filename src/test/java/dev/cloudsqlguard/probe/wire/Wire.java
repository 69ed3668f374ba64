package dev.cloudsqlguard.probe.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds backend protocol messages byte by byte, independently of the code under test. */
final class Wire {

    private Wire() {
    }

    /** Type byte, int32 length (counting itself), body. */
    static byte[] message(char type, byte[] body) {
        return message(type, 4 + body.length, body);
    }

    /** Like {@link #message(char, byte[])} with an explicit (possibly lying) length field. */
    static byte[] message(char type, int length, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        b.put((byte) type);
        b.putInt(length);
        b.put(body);
        return b.array();
    }

    static byte[] int32s(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] cstrings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** ErrorResponse / NoticeResponse body: pairs of (code char, value), then the final zero byte. */
    static byte[] fields(String... codeValuePairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < codeValuePairs.length; i += 2) {
            out.write(codeValuePairs[i].charAt(0));
            byte[] bytes = codeValuePairs[i + 1].getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.write(0);
        }
        out.write(0);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    static byte[] authenticationOk() {
        return message('R', int32s(0));
    }

    static byte[] errorResponse(String sqlState, String message) {
        return message('E', fields("S", "FATAL", "V", "FATAL", "C", sqlState, "M", message));
    }
}
