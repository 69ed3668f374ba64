package dev.cloudsqlguard.config;

import java.util.Objects;

/** A secret configuration value whose {@link #toString()} never shows it. */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
