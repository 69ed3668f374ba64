package dev.cloudsqlguard.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * One target's view of the raw values: every target-scoped {@link Property} under this target's
 * key ({@code guard.target.host} for the single target, {@code guard.targets.main.host} for a
 * named one), in lookups and in messages alike.
 */
final class TargetValues {

    private final ConfigValues values;
    private final Function<Property<?>, String> keys;

    TargetValues(ConfigValues values, Function<Property<?>, String> keys) {
        this.values = values;
        this.keys = keys;
    }

    String key(Property<?> property) {
        return keys.apply(property);
    }

    <T> Optional<T> value(Property<T> property) {
        return values.value(property, key(property));
    }

    <T> T valueOrDefault(Property<T> property) {
        return values.valueOrDefault(property, key(property));
    }

    Optional<String> text(Property<?> property) {
        return values.text(property, key(property));
    }

    boolean isSet(Property<?> property) {
        return values.isSet(key(property));
    }

    void problem(Property<?> property, String message) {
        values.problem(key(property), message);
    }

    void deprecated(Property<?> property, String message) {
        values.deprecated(key(property), message);
    }
}
