package dev.cloudsqlguard.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.cloudsqlguard.config.Secret;
import dev.cloudsqlguard.config.WebhookSettings;
import dev.cloudsqlguard.state.EventDocument;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery against a real HTTP server on loopback: order, signature, retries with
 * backoff, giving up, and a bounded queue when the receiver is stuck.
 */
class WebhookDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final AtomicInteger hits = new AtomicInteger();
    private final Map<WebhookDelivery.Result, AtomicInteger> results = new ConcurrentHashMap<>();
    private HttpServer server;
    private WebhookDelivery delivery;

    @AfterEach
    void stop() {
        if (delivery != null) {
            delivery.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private URI receiver(IntSupplier status, CountDownLatch gate) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            hits.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            int code = status.getAsInt();
            if (code == 204) {
                bodies.add(new String(body, StandardCharsets.UTF_8));
                signatures.add(exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=in-the-url");
    }

    private WebhookDelivery deliver(URI url, int maxAttempts, int queueSize) {
        WebhookSettings settings = new WebhookSettings(List.of(url), Optional.of(new Secret("s3cret")),
                Duration.ofSeconds(2), maxAttempts, Duration.ofMillis(20), queueSize);
        delivery = new WebhookDelivery(0, url, settings, client,
                (receiver, result) -> results.computeIfAbsent(result, r -> new AtomicInteger()).incrementAndGet());
        return delivery;
    }

    private static EventDocument.Event event(long sequence) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "transition").put("sequence", sequence);
        return new EventDocument.Event("transition", sequence, body);
    }

    private int count(WebhookDelivery.Result r) {
        return results.getOrDefault(r, new AtomicInteger()).get();
    }

    @Test
    void deliversInOrderWithAValidSignature() throws Exception {
        WebhookDelivery d = deliver(receiver(() -> 204, new CountDownLatch(0)), 3, 16);
        for (int i = 1; i <= 5; i++) {
            d.offer(event(i));
        }
        await().atMost(PATIENCE).until(() -> bodies.size() == 5);
        assertThat(bodies).extracting(b -> b.replaceAll(".*\"sequence\":(\\d+).*", "$1"))
                .containsExactly("1", "2", "3", "4", "5");
        for (int i = 0; i < 5; i++) {
            assertThat(signatures.get(i)).isEqualTo(
                    WebhookSignature.sign("s3cret", bodies.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(count(WebhookDelivery.Result.DELIVERED)).isEqualTo(5);
    }

    @Test
    void retriesServerErrorsThenDelivers() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        WebhookDelivery d = deliver(receiver(() -> calls.incrementAndGet() <= 2 ? 503 : 204, new CountDownLatch(0)), 5, 16);
        d.offer(event(1));
        await().atMost(PATIENCE).until(() -> count(WebhookDelivery.Result.DELIVERED) == 1);
        assertThat(hits.get()).isEqualTo(3);
        assertThat(bodies).hasSize(1);
    }

    @Test
    void doesNotRetryARejection() throws Exception {
        WebhookDelivery d = deliver(receiver(() -> 400, new CountDownLatch(0)), 5, 16);
        d.offer(event(1));
        await().atMost(PATIENCE).until(() -> count(WebhookDelivery.Result.DROPPED_REJECTED) == 1);
        assertThat(hits.get()).isEqualTo(1);
    }

    @Test
    void givesUpOnADeadReceiverAfterTheConfiguredAttempts() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebhookDelivery d = deliver(URI.create("http://127.0.0.1:" + port + "/hook"), 3, 16);
        d.offer(event(1));
        d.offer(event(2));
        await().atMost(PATIENCE).until(() -> count(WebhookDelivery.Result.DROPPED_ATTEMPTS) == 2);
        assertThat(d.depth()).isZero();
    }

    @Test
    void aStuckReceiverNeverGrowsTheQueueBeyondItsBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WebhookDelivery d = deliver(receiver(() -> 204, release), 1, 3);
        d.offer(event(1));
        await().atMost(PATIENCE).until(() -> hits.get() == 1); // event 1 is in flight, stuck
        for (int i = 2; i <= 50; i++) {
            d.offer(event(i));
            assertThat(d.depth()).isLessThanOrEqualTo(3);
        }
        assertThat(count(WebhookDelivery.Result.DROPPED_QUEUE_FULL)).isEqualTo(47);
        release.countDown();
        await().atMost(PATIENCE).until(() -> bodies.size() == 4);
        assertThat(bodies).extracting(b -> b.replaceAll(".*\"sequence\":(\\d+).*", "$1"))
                .as("the one in flight, then the newest that fit in the queue, in order")
                .containsExactly("1", "48", "49", "50");
    }
}
