package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.WebhookSettings;
import dev.cloudsqlguard.state.EventDocument;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardUpdate;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * POSTs every {@code started} and {@code transition} event to each configured webhook URL.
 * Each URL has its own ordered, bounded queue and thread; the probe loop only enqueues. Its
 * metrics (queue depth, events by final result, per receiver index) live in {@link GuardMetrics}.
 */
@ApplicationScoped
public class WebhookSignal implements Signal {

    @Inject
    GuardMetrics metrics;

    private final List<WebhookDelivery> deliveries = new ArrayList<>();

    @Override
    public synchronized void start(GuardSettings guard, GuardState initial) {
        WebhookSettings settings = guard.signal().webhook();
        if (!deliveries.isEmpty() || settings.urls().isEmpty()) {
            return;
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        for (int i = 0; i < settings.urls().size(); i++) {
            WebhookDelivery d = new WebhookDelivery(i, settings.urls().get(i), settings, client, metrics::webhookEvent);
            deliveries.add(d);
            metrics.webhookReceiver(i, d::depth);
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
}
