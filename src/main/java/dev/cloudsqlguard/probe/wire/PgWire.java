package dev.cloudsqlguard.probe.wire;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The few pieces of the PostgreSQL frontend/backend protocol (v3) the credential-free handshake
 * needs: building a StartupMessage, reading ErrorResponse fields and the method an authentication
 * request names. Pure byte manipulation.
 */
public final class PgWire {

    /** Protocol version 3.0 as sent in the StartupMessage. */
    public static final int PROTOCOL_3_0 = 196608;
    /** The request code of SSLRequest: 1234 in the high 16 bits, 5679 in the low. */
    public static final int SSL_REQUEST_CODE = 80877103;
    /** Larger answers to a StartupMessage are not PostgreSQL: refuse to buffer them. */
    public static final int MAX_MESSAGE_LENGTH = 64 * 1024;

    /**
     * The method an Authentication message asks for, from its body (the int32 code, then for SASL
     * the mechanisms): {@code trust} for AuthenticationOk, {@code password}, {@code md5}, {@code gss},
     * {@code sspi}, the SASL mechanisms joined by {@code /}, or {@code method N}.
     */
    public static String authenticationMethod(byte[] body) {
        if (body.length < 4) {
            return "an unreadable";
        }
        int code = ByteBuffer.wrap(body, 0, 4).getInt();
        return switch (code) {
            case 0 -> "trust";
            case 2 -> "kerberos";
            case 3 -> "password";
            case 5 -> "md5";
            case 7 -> "gss";
            case 9 -> "sspi";
            case 10 -> saslMechanisms(body);
            default -> "method " + code;
        };
    }

    private static String saslMechanisms(byte[] body) {
        List<String> names = new ArrayList<>();
        int start = 4;
        for (int i = 4; i < body.length; i++) {
            if (body[i] == 0) {
                if (i == start) {
                    break;
                }
                names.add(new String(body, start, i - start, StandardCharsets.US_ASCII));
                start = i + 1;
            }
        }
        return names.isEmpty() ? "SASL" : String.join("/", names);
    }

    private PgWire() {
    }

    /** A StartupMessage: length, protocol version, then NUL-terminated key/value pairs. */
    public static byte[] startupMessage(String user, String database, String applicationName) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        putCString(body, "user");
        putCString(body, user);
        putCString(body, "database");
        putCString(body, database);
        putCString(body, "application_name");
        putCString(body, applicationName);
        body.write(0);
        byte[] pairs = body.toByteArray();
        ByteBuffer buffer = ByteBuffer.allocate(8 + pairs.length);
        buffer.putInt(8 + pairs.length);
        buffer.putInt(PROTOCOL_3_0);
        buffer.put(pairs);
        return buffer.array();
    }

    /** An SSLRequest: length 8 and the request code; the server answers one byte, 'S' or 'N'. */
    public static byte[] sslRequest() {
        return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array();
    }

    /**
     * Parses the fields of an ErrorResponse or NoticeResponse body (after type and length):
     * a sequence of (field code byte, NUL-terminated string), ended by a zero byte.
     */
    public static Map<Character, String> errorFields(byte[] body) {
        Map<Character, String> fields = new HashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int start = i;
            while (i < body.length && body[i] != 0) {
                i++;
            }
            fields.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
            i++;
        }
        return fields;
    }

    private static void putCString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.write(0);
    }
}
