package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.WebhookSettings;
import dev.cloudsqlguard.state.EventDocument;
import dev.cloudsqlguard.state.GuardUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * POSTs every {@code started} and {@code transition} event to each configured webhook URL.
 * Each URL has its own ordered, bounded queue and thread; the probe loop only enqueues.
 * Metrics: {@code guard_webhook_events_total{receiver,result}} and
 * {@code guard_webhook_queue_depth{receiver}} (receiver = index of the URL in the list, so a
 * URL carrying a token never becomes a label).
 */
@ApplicationScoped
public class WebhookSignal {

    @Inject
    MeterRegistry registry;

    private final List<WebhookDelivery> deliveries = new ArrayList<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public synchronized void start(WebhookSettings settings) {
        if (!deliveries.isEmpty() || settings.urls().isEmpty()) {
            return;
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        for (int i = 0; i < settings.urls().size(); i++) {
            WebhookDelivery d = new WebhookDelivery(i, settings.urls().get(i), settings, client, this::count);
            deliveries.add(d);
            String receiver = Integer.toString(i);
            Gauge.builder("guard.webhook.queue.depth", d, WebhookDelivery::depth)
                    .description("Events waiting for delivery to the webhook")
                    .tags("receiver", receiver)
                    .register(registry);
            for (WebhookDelivery.Result r : WebhookDelivery.Result.values()) {
                counter(i, r);
            }
        }
    }

    void onUpdate(@Observes GuardUpdate update) {
        if (deliveries.isEmpty()) {
            return;
        }
        for (EventDocument.Event e : EventDocument.from(update)) {
            for (WebhookDelivery d : deliveries) {
                d.offer(e);
            }
        }
    }

    @PreDestroy
    void stop() {
        deliveries.forEach(WebhookDelivery::close);
    }

    private void count(int receiver, WebhookDelivery.Result result) {
        counter(receiver, result).increment();
    }

    private Counter counter(int receiver, WebhookDelivery.Result result) {
        return counters.computeIfAbsent(receiver + "/" + result, k -> Counter.builder("guard.webhook.events")
                .description("Webhook events by final result")
                .tags("receiver", Integer.toString(receiver), "result", result.code())
                .register(registry));
    }
}
