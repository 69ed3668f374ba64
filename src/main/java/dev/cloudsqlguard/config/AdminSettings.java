package dev.cloudsqlguard.config;

import java.util.Optional;

/** Operator actions under {@code /guard/admin/}: off unless enabled, and then token-protected. */
public record AdminSettings(boolean enabled, Optional<Secret> token) {
}
