package dev.cloudsqlguard.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link Conversion}s the {@link Catalogue} uses, each with its bounds: plain Java, so that
 * every message is ours, names no converter class and quotes no secret.
 */
public final class Conversions {

    private Conversions() {
    }

    /** Any text, as given (trimmed). */
    public static Conversion<String> text() {
        return text -> text;
    }

    /** Text that must not be empty. */
    public static Conversion<String> nonEmptyText() {
        return text -> {
            if (text.isEmpty()) {
                throw new Conversion.Rejected("must not be empty");
            }
            return text;
        };
    }

    /** A PostgreSQL identifier (a database name): not empty, at most 63 bytes of UTF-8. */
    public static Conversion<String> identifier() {
        return text -> {
            String name = nonEmptyText().convert(text);
            if (name.getBytes(StandardCharsets.UTF_8).length > 63) {
                throw new Conversion.Rejected("is longer than PostgreSQL's 63-byte identifier limit");
            }
            return name;
        };
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    public static Conversion<Integer> integer(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new Conversion.Rejected("'" + text + "' is not a whole number");
            }
            if (value < min || value > max) {
                throw new Conversion.Rejected("is " + value + ", outside " + min + "-" + max);
            }
            return value;
        };
    }

    /** A decimal number from {@code min} to {@code max}, both included (NaN is outside). */
    public static Conversion<Double> decimal(double min, double max) {
        return text -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new Conversion.Rejected("'" + text + "' is not a number");
            }
            if (!(value >= min && value <= max)) {
                throw new Conversion.Rejected("is " + text + ", outside " + min + "-" + max);
            }
            return value;
        };
    }

    /** A percentage in (0, 100], with or without a {@code %} sign. */
    public static Conversion<Float> percent() {
        return text -> {
            String number = text.replace("%", "");
            float value;
            try {
                value = Float.parseFloat(number);
            } catch (NumberFormatException e) {
                throw new Conversion.Rejected("'" + number + "' is not a percentage");
            }
            if (!(value > 0 && value <= 100)) {
                throw new Conversion.Rejected("is " + number + ", outside 0 (exclusive) to 100 percent");
            }
            return value;
        };
    }

    /** {@code true/yes/on/1} or {@code false/no/off/0}, in any case; blank is false. */
    public static Conversion<Boolean> bool() {
        return text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0", "" -> false;
            default -> throw new Conversion.Rejected("'" + text.toLowerCase(Locale.ROOT) + "' is not true or false");
        };
    }

    /** One of a fixed set of lower-case codes (an enum's {@code code()}), in any case. */
    public static <E extends Enum<E>> Conversion<E> oneOf(E[] choices, Function<E, String> code) {
        return text -> {
            for (E choice : choices) {
                if (code.apply(choice).equalsIgnoreCase(text)) {
                    return choice;
                }
            }
            List<String> codes = new ArrayList<>();
            for (E choice : choices) {
                codes.add(code.apply(choice));
            }
            throw new Conversion.Rejected("'" + text + "' is not one of " + String.join(", ", codes));
        };
    }

    /** A duration as {@link DurationParser} reads it, at least {@code minimum}. */
    public static Conversion<Duration> duration(Duration minimum) {
        return text -> {
            Optional<Duration> parsed = DurationParser.parse(text);
            if (parsed.isEmpty()) {
                throw new Conversion.Rejected("'" + text + "' is not a duration (examples: 250ms, 2s, 1m, PT2S)");
            }
            if (parsed.get().compareTo(minimum) < 0) {
                throw new Conversion.Rejected("is " + text + ", below the minimum of " + DurationParser.format(minimum));
            }
            return parsed.get();
        };
    }

    /** An absolute path, normalised ({@code /run//x/../y} is {@code /run/y}). */
    public static Conversion<Path> absolutePath() {
        return text -> {
            Path path;
            try {
                path = Path.of(text);
            } catch (InvalidPathException e) {
                throw new Conversion.Rejected("'" + text + "' is not a valid path");
            }
            if (!path.isAbsolute()) {
                throw new Conversion.Rejected("'" + text + "' must be an absolute path");
            }
            return path.normalize();
        };
    }

    /** An absolute path naming a file: the root directory is not one. */
    public static Conversion<Path> absoluteFile() {
        return text -> {
            Path path = absolutePath().convert(text);
            if (path.getFileName() == null) {
                throw new Conversion.Rejected("must name a file, not the root directory");
            }
            return path;
        };
    }

    /** An absolute path naming a file, or the word {@code word} (e.g. {@code system} for the JDK's trust store). */
    public static Conversion<String> absoluteFileOr(String word) {
        return text -> word.equals(text) ? text : absoluteFile().convert(text).toString();
    }

    /** A comma-separated list; each item trimmed, blank items skipped. */
    public static Conversion<List<String>> list() {
        return text -> {
            List<String> items = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.trim());
                }
            }
            return List.copyOf(items);
        };
    }

    /** A secret, exactly as given (not trimmed); never refused, so never quoted. */
    public static Conversion<Secret> secret() {
        return Secret::new;
    }
}
