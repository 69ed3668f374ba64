package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.Secret;
import dev.cloudsqlguard.config.WebhookSettings;
import dev.cloudsqlguard.state.EventDocument;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Delivers events to one webhook URL, in order, from its own thread: POST with a timeout, retries
 * with doubling backoff on network errors, 408, 429 and 5xx, and gives up on other 4xx. The queue
 * is bounded: when a receiver is down for long, the oldest undelivered events are dropped (counted
 * and logged) rather than growing memory without bound.
 */
final class WebhookDelivery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookDelivery.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** What happened to an event, for the counters. */
    enum Result {
        DELIVERED, DROPPED_QUEUE_FULL, DROPPED_ATTEMPTS, DROPPED_REJECTED;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Receives delivery results (metrics). */
    interface Listener {
        void on(int receiver, Result result);
    }

    private final int index;
    private final URI url;
    private final String safeUrl;
    private final WebhookSettings settings;
    private final Optional<Secret> secret;
    private final HttpClient client;
    private final Listener listener;
    private final Deque<EventDocument.Event> queue = new ArrayDeque<>();
    private final Thread worker;
    private volatile boolean closed;

    WebhookDelivery(int index, URI url, WebhookSettings settings, HttpClient client, Listener listener) {
        this.index = index;
        this.url = url;
        this.safeUrl = url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
                + (url.getPath() == null ? "" : url.getPath());
        this.settings = settings;
        this.secret = settings.secret();
        this.client = client;
        this.listener = listener;
        this.worker = new Thread(this::run, "guard-webhook-" + index);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues an event; never blocks. */
    void offer(EventDocument.Event event) {
        EventDocument.Event dropped = null;
        synchronized (queue) {
            if (queue.size() >= settings.queueSize()) {
                dropped = queue.pollFirst();
            }
            queue.addLast(event);
            queue.notifyAll();
        }
        if (dropped != null) {
            LOG.warnf("webhook %d (%s): queue full (%d), dropped the oldest event (sequence %d)", index, safeUrl,
                    settings.queueSize(), dropped.sequence());
            listener.on(index, Result.DROPPED_QUEUE_FULL);
        }
    }

    int depth() {
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }

    private void run() {
        while (!closed) {
            EventDocument.Event event;
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                event = queue.peekFirst();
            }
            if (event == null) {
                return;
            }
            Result result = deliver(event);
            synchronized (queue) {
                if (queue.peekFirst() == event) {
                    queue.pollFirst(); // it may already have been dropped by a full queue
                }
            }
            if (result != null) {
                listener.on(index, result);
            }
        }
    }

    /** @return the final result, or null if interrupted by shutdown */
    private Result deliver(EventDocument.Event event) {
        byte[] body = event.body().toString().getBytes(StandardCharsets.UTF_8);
        Duration backoff = settings.backoff();
        String lastError = "";
        for (int attempt = 1; attempt <= settings.maxAttempts() && !closed; attempt++) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(url)
                        .timeout(settings.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "cloudsql-guard")
                        .header("X-Guard-Event", event.type())
                        .header("X-Guard-Sequence", Long.toString(event.sequence()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                secret.ifPresent(s -> request.header(WebhookSignature.HEADER, WebhookSignature.sign(s.reveal(), body)));
                HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return Result.DELIVERED;
                }
                lastError = "HTTP " + status;
                if (status < 500 && status != 408 && status != 429) {
                    LOG.warnf("webhook %d (%s): rejected event %s (sequence %d) with HTTP %d; not retrying", index,
                            safeUrl, event.type(), event.sequence(), status);
                    return Result.DROPPED_REJECTED;
                }
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                return null;
            }
            if (attempt < settings.maxAttempts()) {
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    return null;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        LOG.warnf("webhook %d (%s): dropped event %s (sequence %d) after %d attempts; last error: %s", index, safeUrl,
                event.type(), event.sequence(), settings.maxAttempts(), lastError);
        return Result.DROPPED_ATTEMPTS;
    }
}
