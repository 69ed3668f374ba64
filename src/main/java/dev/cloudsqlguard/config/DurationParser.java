package dev.cloudsqlguard.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Quarkus users write them: {@code 100ms}, {@code 2s}, {@code 5m},
 * {@code 1h}, {@code 1d}, a bare number of seconds, or ISO-8601 ({@code PT2S}).
 */
public final class DurationParser {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

    private DurationParser() {
    }

    /** @return the duration, or empty if the text is not a duration */
    public static Optional<Duration> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            double amount;
            try {
                amount = Double.parseDouble(m.group(1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            String unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "s" -> amount * 1_000;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 86_400_000;
            };
            if (millis * 1_000_000 >= Long.MAX_VALUE) {
                // beyond what a long of nanoseconds holds (about 292 years): Math.round would
                // silently clamp it to a different duration
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos(Math.round(millis * 1_000_000)));
        }
        if (t.startsWith("p") || t.startsWith("-p")) {
            try {
                return Optional.of(Duration.parse(t.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Formats a duration compactly for messages and JSON, e.g. {@code 1.5s} or {@code 250ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0 && ms != 0) {
            return (ms / 1000) + "s";
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.3fs", ms / 1000.0).replaceAll("0+s$", "s");
        }
        return ms + "ms";
    }
}
