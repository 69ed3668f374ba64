package dev.cloudsqlguard.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken client can do to the packaged guard (jar or native): a battery of raw
 * requests (bad request lines and HTTP versions, missing, doubled and broken headers, smuggling
 * attempts, oversized lines and headers, other protocols, incomplete requests), SSE subscribers that
 * hang up at once, and every method but GET and HEAD on the read-only endpoints. Each gets an answer below 500 (a 4xx where the request is broken, the same on
 * the JVM and native), nothing the client sent comes back longer than the guard's bounds, and the
 * guard's log gains no ERROR or WARN line and no stack trace from any of them.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = FixtureResource.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "start", value = "true")})
class HostileRequestsIT {

    /** What a request may get: a given 4xx, any 4xx, any answer below 500, or also the connection closed unanswered. */
    enum Expect { FOUR_XX, NOT_5XX, FOUR_XX_OR_CLOSED }

    record Hostile(String name, String bytes, Expect expect, int status) {
    }

    private static final String H = "Host: x\r\n";
    /**
     * Filler that must never come back, after the status line, in a run longer than the guard echoes
     * anything (Micrometer's 406 repeats an Accept header of at most 256 characters).
     */
    private static final String Z = "Z".repeat(3000);
    private static final String ECHO = "Z".repeat(257);
    /**
     * quarkus.http.limits.max-initial-line-length. Netty's status line repeats the client's version,
     * even a made-up one, so a status line is at most that long plus the status and its reason.
     */
    private static final int LINE_LIMIT = 1024;
    /** A status line (its version may be the client's made-up one). */
    private static final int SSE_HANG_UPS = 50;
    private static final Pattern STATUS = Pattern.compile("\\S+ (\\d{3})( .*)?");

    private static Hostile bad(String name, int status, String bytes) {
        return new Hostile(name, bytes, Expect.FOUR_XX, status);
    }

    private static Hostile bad(String name, String bytes) {
        return new Hostile(name, bytes, Expect.FOUR_XX, 0);
    }

    private static Hostile odd(String name, String bytes) {
        return new Hostile(name, bytes, Expect.NOT_5XX, 0);
    }

    private static Hostile broken(String name, String bytes) {
        return new Hostile(name, bytes, Expect.FOUR_XX_OR_CLOSED, 0);
    }

    static List<Hostile> battery() {
        List<Hostile> b = new ArrayList<>();
        // the request line and the HTTP version (the same on the JVM and native)
        b.add(bad("HTTP/9.9", 400, "GET /q/health/live HTTP/9.9\r\n" + H + "\r\n"));
        b.add(bad("HTTP/2.0 on a cleartext HTTP/1 connection", 400, "GET /q/health/live HTTP/2.0\r\n" + H + "\r\n"));
        b.add(bad("FOO/1.1", 400, "GET /q/health/live FOO/1.1\r\n" + H + "\r\n"));
        b.add(bad("http/1.1 in lower case", 400, "GET /q/health/ready http/1.1\r\n" + H + "\r\n"));
        b.add(bad("HTTP/1.2", 400, "GET /guard/status HTTP/1.2\r\n" + H + "\r\n"));
        b.add(bad("HTTP/9.9 on /q/metrics", 400, "GET /q/metrics HTTP/9.9\r\n" + H + "\r\n"));
        b.add(bad("HTTP/0.9 without Host", 400, "GET /q/health/live HTTP/0.9\r\n\r\n"));
        b.add(bad("HTTP/9.9 without Host", 400, "GET /q/health/live HTTP/9.9\r\n\r\n"));
        b.add(bad("a version of 3000 characters", 414, "GET /q/health/live " + Z + "/1.1\r\n" + H + "\r\n"));
        b.add(bad("a version of 990 characters", 400, "GET /q/health/live " + Z.substring(0, 990) + "/1.1\r\n" + H + "\r\n"));
        b.add(bad("no version", 400, "GET /q/health/live\r\n\r\n"));
        b.add(bad("FOO/1.1 as the whole request line", 400, "FOO/1.1\r\n" + H + "\r\n"));
        b.add(bad("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u00ff\u0000\u0000\u0000\u0000\u0000x"));
        b.add(odd("tabs between the parts", "GET\t/q/health/live\tHTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("binary bytes", 400, "\u0000\u0001\u0002\u00ff\u00fe\r\n\r\n"));
        b.add(bad("a TLS ClientHello on the plain port", 400, "\u0016\u0003\u0001\u0000\u0005hello\r\n\r\n"));
        b.add(bad("an SSH banner", 400, "SSH-2.0-OpenSSH_9.0\r\n\r\n"));
        b.add(odd("line feeds only", "GET /q/health/live HTTP/1.1\nHost: x\n\n"));
        // the method
        b.add(bad("a method of 5000 characters", 414, Z + Z.substring(0, 2000) + " /q/health/live HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a method in lower case", 405, "get /q/health/live HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a method with @", 400, "G@T /q/health/live HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("CONNECT", "CONNECT evil.example:443 HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("TRACE on the health endpoint", 405, "TRACE /q/health HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("POST with Expect: 100-continue", 405,
                "POST /q/health/live HTTP/1.1\r\n" + H + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
        // Host
        b.add(bad("no Host on /q/health/live", 400, "GET /q/health/live HTTP/1.1\r\n\r\n"));
        b.add(bad("no Host on /q/metrics", 400, "GET /q/metrics HTTP/1.1\r\n\r\n"));
        b.add(bad("no Host on /guard/status", 400, "GET /guard/status HTTP/1.1\r\n\r\n"));
        b.add(bad("no Host on /guard/events", 400, "GET /guard/events HTTP/1.1\r\n\r\n"));
        b.add(bad("no Host on an unknown path", 400, "GET /nowhere HTTP/1.1\r\n\r\n"));
        b.add(bad("two Host headers", 400, "GET /q/health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        b.add(bad("a space in Host", 400, "GET /q/health/live HTTP/1.1\r\nHost: a b\r\n\r\n"));
        b.add(bad("a control character in Host", 400, "GET /q/health/live HTTP/1.1\r\nHost: a\u0001b\r\n\r\n"));
        b.add(bad("a port out of range in Host", 400, "GET /q/health/live HTTP/1.1\r\nHost: x:99999999\r\n\r\n"));
        b.add(bad("an open bracket in Host", 400, "GET /q/health/live HTTP/1.1\r\nHost: [::1\r\n\r\n"));
        b.add(odd("a Host of 3000 characters", "GET /q/health/live HTTP/1.1\r\nHost: " + Z + "\r\n\r\n"));
        // the length of the body, and smuggling
        b.add(bad("a negative Content-Length", 400, "GET /q/health/live HTTP/1.1\r\n" + H + "Content-Length: -5\r\n\r\n"));
        b.add(bad("a Content-Length that is no number", 400, "GET /q/health/live HTTP/1.1\r\n" + H + "Content-Length: abc\r\n\r\n"));
        b.add(bad("two Content-Lengths", 400,
                "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
        b.add(bad("Content-Length and chunked", 400, "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        b.add(bad("a Content-Length of 20 digits", 400,
                "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\n"));
        b.add(broken("a chunk size that is no number", "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        b.add(bad("an unknown Transfer-Encoding", "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H + "Transfer-Encoding: foo\r\n\r\n"));
        b.add(bad("a body of 100 MB announced", "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Content-Length: 100000000\r\n\r\n" + "x".repeat(1000)));
        b.add(odd("a body on GET", "GET /guard/status HTTP/1.1\r\n" + H + "Content-Length: 5\r\n\r\nhello"));
        b.add(odd("a chunked GET with a long trailer", "GET /guard/status HTTP/1.1\r\n" + H
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: " + Z + "\r\n\r\n"));
        // headers
        b.add(bad("a header without a colon", 400, "GET /q/health/live HTTP/1.1\r\n" + H + "Foo\r\n\r\n"));
        b.add(bad("a space before the colon", 400, "GET /q/health/live HTTP/1.1\r\nHost : x\r\n\r\n"));
        b.add(odd("an obsolete folded header", "GET /q/health/live HTTP/1.1\r\n" + H + "X-A: a\r\n folded\r\n\r\n"));
        b.add(bad("a header of 40 KB", 431, "GET /q/health/live HTTP/1.1\r\n" + H + "X-Long: " + "Z".repeat(40_000) + "\r\n\r\n"));
        b.add(odd("300 headers", "GET /q/health/live HTTP/1.1\r\n" + H + headers(300) + "\r\n"));
        b.add(odd("non-ASCII bytes in a header", "GET /q/health/live HTTP/1.1\r\n" + H + "X-U: \u00c3\u00a9\u00ff\r\n\r\n"));
        b.add(odd("a cookie of 6 KB", "GET /guard/status HTTP/1.1\r\n" + H + "Cookie: " + "a=b; ".repeat(1200) + "\r\n\r\n"));
        b.add(odd("a broken Range", "GET /guard/status HTTP/1.1\r\n" + H + "Range: bytes=999999999-1,-5,abc\r\n\r\n"));
        b.add(odd("a weird Expect", "GET /guard/status HTTP/1.1\r\n" + H + "Expect: weird\r\n\r\n"));
        b.add(odd("long X-Forwarded-For and a broken Forwarded", "GET /guard/status HTTP/1.1\r\n" + H
                + "X-Forwarded-For: " + Z + "\r\nForwarded: for=\"[::\r\n\r\n"));
        b.add(odd("a WebSocket upgrade", "GET /q/health/live HTTP/1.1\r\n" + H + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: x\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        b.add(odd("an h2c upgrade with broken settings", "GET /q/health/live HTTP/1.1\r\n" + H
                + "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: !!!\r\n\r\n"));
        b.add(odd("Last-Event-ID of 3000 characters on /guard/events", "GET /guard/events HTTP/1.1\r\n" + H
                + "Last-Event-ID: " + Z + "\r\n\r\n"));
        // Accept
        b.add(bad("an Accept of 3000 characters on /q/metrics", 406, "GET /q/metrics HTTP/1.1\r\n" + H + "Accept: " + Z + "\r\n\r\n"));
        b.add(bad("an unknown Accept on /q/metrics", 406, "GET /q/metrics HTTP/1.1\r\n" + H + "Accept: application/x-none\r\n\r\n"));
        b.add(bad("an Accept of 3000 characters on /guard/status", 406,
                "GET /guard/status HTTP/1.1\r\n" + H + "Accept: " + Z + "\r\n\r\n"));
        b.add(bad("a broken Accept on /guard/status", 406, "GET /guard/status HTTP/1.1\r\n" + H + "Accept: ;;;,,,q=abc/;\r\n\r\n"));
        b.add(odd("a broken Accept on /q/metrics", "GET /q/metrics HTTP/1.1\r\n" + H + "Accept: text/plain;q=zz;version=abc\r\n\r\n"));
        b.add(odd("an Accept-Encoding of 3000 characters", "GET /q/metrics HTTP/1.1\r\n" + H + "Accept-Encoding: " + Z + "\r\n\r\n"));
        // the path and the query
        b.add(bad("a path of 10 KB", 414, "GET /" + "Z".repeat(10_000) + " HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a query of 3000 characters", 414, "GET /guard/status?target=" + Z + " HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("dot segments", 404, "GET /q/../../../etc/passwd HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("encoded dot segments", 404, "GET /q/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("an encoded NUL", 404, "GET /q/health%00/live HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a broken percent escape", 400, "GET /q/health/%zz HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a broken escape in the query", 400, "GET /guard/status?target=%zz HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a query without a path", 400, "GET ?a=b HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a path without a slash", 404, "GET q/health HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("OPTIONS *", 404, "OPTIONS * HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("GET *", 404, "GET * HTTP/1.1\r\n" + H + "\r\n"));
        b.add(odd("an absolute URI", "GET http://evil.example/q/health/live HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("a broken absolute URI", 400, "GET http://[bad/q HTTP/1.1\r\n" + H + "\r\n"));
        b.add(bad("UTF-8 in the path", 404, "GET /q/h\u00c3\u00a9alth HTTP/1.1\r\n" + H + "\r\n"));
        // the admin endpoints (disabled here: 404 whatever comes)
        b.add(bad("a bearer token of 3000 characters", 404, "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Authorization: Bearer " + Z + "\r\nContent-Length: 0\r\n\r\n"));
        b.add(bad("a NUL and 0xff in the target", 404, "POST /guard/admin/circuit/open?target=%00%ff HTTP/1.1\r\n" + H
                + "Content-Length: 0\r\n\r\n"));
        b.add(bad("a multipart body without a boundary", 404, "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Content-Type: multipart/form-data; boundary=\r\nContent-Length: 10\r\n\r\n--\r\n--\r\n--"));
        // incomplete requests: the client stops sending (half-close)
        b.add(broken("empty lines only", "\r\n\r\n\r\n"));
        b.add(broken("carriage returns without line feeds", "GET /q/health/live HTTP/1.1\rHost: x\r\r"));
        b.add(broken("half a request line", "GET /q/hea"));
        b.add(broken("headers that never end", "GET /q/health/live HTTP/1.1\r\n" + H + "X-A: b\r\n"));
        b.add(broken("a body shorter than announced", "POST /guard/admin/circuit/open HTTP/1.1\r\n" + H
                + "Content-Length: 100\r\n\r\nshort"));
        // many bad requests on one connection
        b.add(bad("20 pipelined requests with a bad version", 400,
                ("GET /q/health/live HTTP/9.9\r\n" + H + "\r\n").repeat(20)));
        b.add(bad("20 pipelined requests without Host", 400, "GET /q/health/live HTTP/1.1\r\n\r\n".repeat(20)));
        return b;
    }

    private static String headers(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("X-").append(i).append(": ").append(i).append("\r\n");
        }
        return s.toString();
    }

    /** The answer to raw bytes: the status line, headers and body (at most 64 KB), or "" if the connection closed unanswered. */
    static String send(String request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the guard may close before reading everything (a line or header over its limit)
            }
            return readAnswer(socket.getInputStream());
        }
    }

    /** Reads up to the end of the first answer's headers and its Content-Length body (an event stream: the headers only). */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int bodyEnd = -1;
        try {
            while (got.size() < 65_536) {
                String text = got.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0 && bodyEnd < 0) {
                    Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text.substring(0, headEnd));
                    bodyEnd = length.find() ? headEnd + 4 + Integer.parseInt(length.group(1))
                            : text.substring(0, headEnd).toLowerCase().contains("transfer-encoding: chunked") ? headEnd + 4 : -1;
                }
                if (bodyEnd >= 0 && got.size() >= bodyEnd) {
                    break;
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // an answer without a length that keeps the connection: what came is the answer
        } catch (IOException e) {
            // reset by the guard after its answer
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * The log's length once the guard is ready: what a cold start logs (a first login that outlasts
     * its bound on a loaded machine) is not the requests' doing.
     */
    private static long logLines(Path log) throws IOException {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().when().get("/q/health/ready").statusCode() == 200);
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    @Test
    void hostileRequestsGetNoFiveHundredNoEchoAndLogNothingLoud() throws Exception {
        Path log = Path.of("target", "quarkus.log");
        assertThat(given().when().get("/q/health/live").statusCode()).isEqualTo(200);
        long before = logLines(log);
        List<Hostile> battery = battery();
        List<String> failures = new ArrayList<>();
        for (Hostile h : battery) {
            boolean halfClose = h.expect() == Expect.FOUR_XX_OR_CLOSED;
            String answer = send(h.bytes(), halfClose);
            String statusLine = answer.isEmpty() ? "" : answer.lines().findFirst().orElse("");
            Matcher m = STATUS.matcher(statusLine);
            int status = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            String problem = null;
            if (answer.isEmpty()) {
                if (h.expect() != Expect.FOUR_XX_OR_CLOSED) {
                    problem = "no answer";
                }
            } else if (status < 0) {
                problem = "no status line: " + abbreviate(statusLine);
            } else if (status >= 500) {
                problem = "a 5xx: " + abbreviate(statusLine);
            } else if (h.expect() != Expect.NOT_5XX && (status < 400 || (h.status() != 0 && status != h.status()))) {
                problem = "expected " + (h.status() != 0 ? h.status() : "a 4xx") + ", got " + abbreviate(statusLine);
            }
            if (problem == null && statusLine.length() > LINE_LIMIT + " 400 Bad Request".length()) {
                problem = "a status line of " + statusLine.length() + " characters";
            }
            if (problem == null && answer.substring(statusLine.length()).contains(ECHO)) {
                problem = "the client's filler echoed in " + abbreviate(answer);
            }
            if (problem != null) {
                failures.add(h.name() + ": " + problem);
            }
        }
        assertThat(failures).as("hostile requests answered wrongly").isEmpty();
        // SSE subscribers that hang up as soon as the stream starts: the state event is written after they left
        for (int i = 0; i < SSE_HANG_UPS; i++) {
            String head = send("GET /guard/events HTTP/1.1\r\n" + H + "Accept: text/event-stream\r\n\r\n", false);
            assertThat(head).as("SSE subscriber %d", i).startsWith("HTTP/1.1 200");
        }
        // the guard still answers, and its log gained nothing loud
        assertThat(given().when().get("/q/health/ready").statusCode()).isEqualTo(200);
        List<String> added = Files.readAllLines(log).stream().skip(before).toList();
        System.out.printf("HostileRequestsIT: %d raw requests and %d SSE hang-ups; the log gained %d lines%n", battery.size(),
                SSE_HANG_UPS, added.size());
        assertThat(added).as("log lines the hostile requests caused").noneMatch(HostileRequestsIT::loud);
    }

    @Test
    void readOnlyEndpointsAnswerOnlyGetAndHeadAndLogNothingLoud() throws Exception {
        Path log = Path.of("target", "quarkus.log");
        long before = logLines(log);
        int requests = 0;
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics",
                "/guard/status", "/guard/events")) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")) {
                io.restassured.response.Response r = given().when().request(method, path);
                requests++;
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.header("Allow")).as(method + " " + path).isEqualTo("GET, HEAD");
            }
            if (!path.equals("/guard/events")) {
                assertThat(given().when().head(path).statusCode()).as("HEAD " + path).isNotEqualTo(405);
            }
        }
        assertThat(given().when().get("/q/health/live").statusCode()).isEqualTo(200);
        List<String> added = Files.readAllLines(log).stream().skip(before).toList();
        System.out.printf("HostileRequestsIT: %d wrong methods; the log gained %d lines%n", requests, added.size());
        assertThat(added).as("log lines the wrong methods caused").noneMatch(HostileRequestsIT::loud);
    }

    /** An ERROR or WARN line (JSON or plain text), or a line of a stack trace. */
    static boolean loud(String line) {
        return line.contains("\"severity\":\"ERROR\"") || line.contains("\"severity\":\"WARN")
                || line.contains(" ERROR ") || line.contains(" WARN ") || line.contains("\tat ")
                || line.contains("\"stackTrace\"") || line.contains("\"exception\"");
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "… (" + s.length() + " characters)";
    }
}
