package dev.cloudsqlguard.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP server on loopback that receives the guard's webhooks and checks their signature
 * the way a user's receiver would: HMAC-SHA256 of the raw body with the shared secret.
 */
final class WebhookReceiver implements AutoCloseable {

    record Delivery(Instant at, String body, String event, long sequence, String signature, boolean signatureValid) {
    }

    private final HttpServer server;
    private final String secret;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    WebhookReceiver(String secret) throws IOException {
        this.secret = secret;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String signature = exchange.getRequestHeaders().getFirst("X-Guard-Signature");
            String sequence = exchange.getRequestHeaders().getFirst("X-Guard-Sequence");
            deliveries.add(new Delivery(Instant.now(), new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Guard-Event"),
                    sequence == null ? -1 : Long.parseLong(sequence), signature,
                    signature != null && signature.equals(sign(body))));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    private String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            StringBuilder hex = new StringBuilder("sha256=");
            for (byte b : mac.doFinal(body)) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> json(String body) {
        return io.restassured.path.json.JsonPath.from(body).getMap("$");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
