package dev.cloudsqlguard.config;

/**
 * How the text of one {@code guard.*} property becomes its value, bounds included: the
 * {@link Catalogue} gives every {@link Property} one, and {@link ConfigValues} applies it.
 * Instances come from {@link Conversions}.
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface Conversion<T> {

    /**
     * Converts a property's text: trimmed (secrets excepted), {@code ""} for a property with a
     * default that was set blank.
     *
     * @throws Rejected when the text is not a value of this conversion
     */
    T convert(String text) throws Rejected;

    /**
     * Why a text was refused. Its message completes a sentence that starts with the property name
     * ({@code guard.probe.interval: 'soon' is not a duration}); a conversion that may see a secret
     * never quotes the text.
     */
    final class Rejected extends Exception {

        public Rejected(String message) {
            super(message, null, false, false);
        }
    }
}
