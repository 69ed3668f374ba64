package dev.cloudsqlguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Channels that carry the guard's state to the main app.
 *
 * @param stateFile    JSON state file replaced atomically on every transition
 * @param webhook      webhook delivery
 * @param sseKeepAlive interval of keep-alive comments on {@code /guard/events}
 */
public record SignalSettings(Optional<Path> stateFile, WebhookSettings webhook, Duration sseKeepAlive) {
}
