package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.SIGNAL_SSE_KEEP_ALIVE;
import static dev.cloudsqlguard.config.Catalogue.SIGNAL_STATE_FILE;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_BACKOFF;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_MAX_ATTEMPTS;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_QUEUE_SIZE;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_SECRET;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_TIMEOUT;
import static dev.cloudsqlguard.config.Catalogue.WEBHOOK_URLS;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads the {@code guard.signal.*} properties into {@link SignalSettings}: the state file, the
 * SSE keep-alive and the webhooks, whose secret is refused when it would sign nothing.
 */
final class SignalParser {

    private SignalParser() {
    }

    static SignalSettings parse(ConfigValues values) {
        Optional<Path> stateFile = values.value(SIGNAL_STATE_FILE);
        Duration keepAlive = values.valueOrDefault(SIGNAL_SSE_KEEP_ALIVE);
        List<URI> urls = WebhookUrls.check(values.value(WEBHOOK_URLS).orElse(List.of()), values);
        Optional<Secret> secret = values.value(WEBHOOK_SECRET);
        if (secret.isPresent() && urls.isEmpty() && !values.hasProblem(WEBHOOK_URLS.key())) {
            values.problem(WEBHOOK_SECRET.key(), "has no effect without " + WEBHOOK_URLS.key());
        }
        WebhookSettings webhook = new WebhookSettings(urls, secret,
                values.valueOrDefault(WEBHOOK_TIMEOUT),
                values.valueOrDefault(WEBHOOK_MAX_ATTEMPTS),
                values.valueOrDefault(WEBHOOK_BACKOFF),
                values.valueOrDefault(WEBHOOK_QUEUE_SIZE));
        return new SignalSettings(stateFile, webhook, keepAlive);
    }
}
