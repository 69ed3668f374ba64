package dev.cloudsqlguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The raw {@code guard.*} values of one parse, read through the {@link Catalogue}: a key's text
 * (or its default) converted by its {@link Property}'s {@link Conversion}. A refused value becomes
 * a {@link ConfigProblem} on that key instead of an exception, so that one parse reports every
 * mistake; each key gets at most one conversion problem.
 */
final class ConfigValues {

    private final Map<String, String> raw;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<ConfigProblem> deprecations = new ArrayList<>();

    ConfigValues(Map<String, String> raw) {
        this.raw = raw;
    }

    /** The value of a guard-wide property (or the single target's). */
    <T> Optional<T> value(Property<T> property) {
        return value(property, property.key());
    }

    /**
     * The value of {@code property} under {@code key} (the key differs for a named target): empty
     * when unset without a default, and when refused (then a problem is recorded).
     */
    <T> Optional<T> value(Property<T> property, String key) {
        Optional<String> text = text(property, key);
        if (text.isEmpty() && property.defaultValue().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(property.conversion().convert(text.orElse("")));
        } catch (Conversion.Rejected e) {
            if (!hasProblem(key)) {
                problem(key, e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** {@link #valueOrDefault(Property, String)} of a guard-wide property (or the single target's). */
    <T> T valueOrDefault(Property<T> property) {
        return valueOrDefault(property, property.key());
    }

    /**
     * The value of a property that has a default. When the value is refused (a problem is then
     * recorded and the parse fails), the default's value stands in, so that the remaining
     * properties are still read and every mistake is reported at once.
     */
    <T> T valueOrDefault(Property<T> property, String key) {
        String defaultValue = property.defaultValue()
                .orElseThrow(() -> new IllegalArgumentException(key + " has no default"));
        return value(property, key).orElseGet(() -> {
            try {
                return property.conversion().convert(defaultValue);
            } catch (Conversion.Rejected e) {
                throw new IllegalStateException(key + ": its default is refused: " + e.getMessage());
            }
        });
    }

    /**
     * The text under {@code key}, or the property's default, trimmed unless secret; empty when
     * blank: a blank value counts as unset.
     */
    Optional<String> text(Property<?> property, String key) {
        String value = raw.get(key);
        if (value == null) {
            value = property.defaultValue().orElse(null);
        }
        if (value != null && !property.secret()) {
            value = value.trim();
        }
        return Optional.ofNullable(value).filter(s -> !s.isEmpty());
    }

    /** True when the key was given a non-blank value (its default does not count). */
    boolean isSet(String key) {
        String value = raw.get(key);
        return value != null && !value.isBlank();
    }

    void problem(String key, String message) {
        problems.add(new ConfigProblem(key, message));
    }

    /** A setting that still works but should change: reported as a warning, not a failure. */
    void deprecated(String key, String message) {
        deprecations.add(new ConfigProblem(key, message));
    }

    List<ConfigProblem> deprecations() {
        return List.copyOf(deprecations);
    }

    /** The keys given, whether or not they are known. */
    java.util.Set<String> keys() {
        return raw.keySet();
    }

    boolean hasProblem(String key) {
        return problems.stream().anyMatch(p -> p.property().equals(key));
    }

    /** The problems found so far, in the order they were found. */
    List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }
}
