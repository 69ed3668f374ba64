package dev.cloudsqlguard.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where transition events are POSTed and how hard the guard tries.
 *
 * @param urls        receivers; each gets every event, in order
 * @param secret      HMAC-SHA256 key for the {@code X-Guard-Signature} header (never logged)
 * @param timeout     per request
 * @param maxAttempts attempts per event before it is dropped and counted
 * @param backoff     first retry delay, doubled per attempt
 * @param queueSize   undelivered events kept per URL; older ones are dropped beyond it
 */
public record WebhookSettings(
        List<URI> urls,
        Optional<Secret> secret,
        Duration timeout,
        int maxAttempts,
        Duration backoff,
        int queueSize) {

    public WebhookSettings {
        urls = List.copyOf(urls);
    }
}
