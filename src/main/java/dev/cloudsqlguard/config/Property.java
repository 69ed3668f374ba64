package dev.cloudsqlguard.config;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code guard.*} property, written once: its key, its default, how its text converts (with
 * the bounds), what it means (the README's words) and whether its value is a secret. The
 * {@link Catalogue} lists them all; parsing, the unknown-property warning, the environment
 * variable names and the README test all read them from there.
 *
 * <p>A property is either guard-wide ({@code guard.probe.interval}) or <em>target-scoped</em>:
 * declared by its suffix ({@code host}), it is {@code guard.target.host} for the single target
 * ({@link #key()}) and {@code guard.targets.<target>.host} for a named one ({@link #key(String)}),
 * so several targets can later share one declaration.
 *
 * @param <T> the type of the converted value
 */
public final class Property<T> {

    /** Every key starts with this. */
    public static final String PREFIX = "guard.";
    /** Target-scoped keys of the single target: {@code guard.target.<suffix>}. */
    private static final String TARGET_PREFIX = "guard.target.";
    /** Target-scoped keys of a named target: {@code guard.targets.<target>.<suffix>}. */
    static final String TARGETS_PREFIX = "guard.targets.";
    /** What a named target may be called (it becomes part of a key and of an environment variable). */
    public static final Pattern TARGET_NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    private final String keyOrSuffix;
    private final boolean targetScoped;
    private final Optional<String> defaultValue;
    private final Conversion<T> conversion;
    private final String meaning;
    private final boolean secret;

    private Property(String keyOrSuffix, boolean targetScoped, String defaultValue, Conversion<T> conversion,
            String meaning, boolean secret) {
        this.keyOrSuffix = Objects.requireNonNull(keyOrSuffix);
        this.targetScoped = targetScoped;
        this.defaultValue = Optional.ofNullable(defaultValue);
        this.conversion = Objects.requireNonNull(conversion);
        this.meaning = Objects.requireNonNull(meaning);
        this.secret = secret;
    }

    /** A guard-wide property, e.g. {@code guard.probe.interval}; {@code defaultValue} null for none. */
    static <T> Property<T> guardWide(String key, String defaultValue, Conversion<T> conversion, String meaning) {
        if (!key.startsWith(PREFIX)) {
            throw new IllegalArgumentException(key + " does not start with " + PREFIX);
        }
        return new Property<>(key, false, defaultValue, conversion, meaning, false);
    }

    /** A target-scoped property declared by its suffix, e.g. {@code socket-dir}; {@code defaultValue} null for none. */
    static <T> Property<T> target(String suffix, String defaultValue, Conversion<T> conversion, String meaning) {
        return new Property<>(suffix, true, defaultValue, conversion, meaning, false);
    }

    /** This property with its value marked secret: read untrimmed and never quoted in a message. */
    Property<T> asSecret() {
        if (defaultValue.isPresent()) {
            throw new IllegalStateException(key() + ": a secret has no default");
        }
        return new Property<>(keyOrSuffix, targetScoped, null, conversion, meaning, true);
    }

    /** The key: {@code guard.probe.interval}, or {@code guard.target.host} for a target-scoped property. */
    public String key() {
        return targetScoped ? TARGET_PREFIX + keyOrSuffix : keyOrSuffix;
    }

    /**
     * The key of a target-scoped property for the named target: {@code guard.targets.main.host}
     * (environment variable {@code GUARD_TARGETS_MAIN_HOST}).
     *
     * @throws IllegalStateException    for a guard-wide property
     * @throws IllegalArgumentException when the name does not match {@link #TARGET_NAME}
     */
    public String key(String target) {
        if (!targetScoped) {
            throw new IllegalStateException(key() + " is not target-scoped");
        }
        if (!TARGET_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException("'" + target + "' is not a target name (" + TARGET_NAME.pattern() + ")");
        }
        return TARGETS_PREFIX + target + "." + keyOrSuffix;
    }

    /** True for {@code guard.target.<suffix>} properties, which every target has. */
    public boolean targetScoped() {
        return targetScoped;
    }

    /** The default text, converted like a given value; empty when the property is unset by default. */
    public Optional<String> defaultValue() {
        return defaultValue;
    }

    public Conversion<T> conversion() {
        return conversion;
    }

    /** One line saying what the property does: the README's meaning column. */
    public String meaning() {
        return meaning;
    }

    /** True when the value must never appear in a message or a log. */
    public boolean secret() {
        return secret;
    }

    @Override
    public String toString() {
        return key();
    }
}
