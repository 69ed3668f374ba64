package dev.cloudsqlguard.cli;

import dev.cloudsqlguard.config.DurationParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parsed {@code wait [--timeout 60s] [--target NAME] [-- CMD ARGS…]} arguments. Pure; a mistake
 * is reported as one line and exit code 3, like any other bad configuration.
 *
 * @param timeout how long to wait for the database; zero means probe once
 * @param command the command to run once ready (empty: just exit 0)
 * @param target  the one target to wait for (empty: every required target)
 */
public record WaitArguments(Duration timeout, List<String> command, Optional<String> target) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String USAGE = "usage: cloudsql-guard wait [--timeout 60s] [--target NAME] [-- COMMAND [ARGS...]]";

    public WaitArguments {
        command = List.copyOf(command);
    }

    /**
     * @param args the arguments after {@code wait}
     * @throws IllegalArgumentException with a one-line explanation
     */
    public static WaitArguments parse(List<String> args) {
        Duration timeout = DEFAULT_TIMEOUT;
        Optional<String> target = Optional.empty();
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                command = args.subList(i + 1, args.size());
                if (command.isEmpty()) {
                    throw new IllegalArgumentException("'--' must be followed by a command; " + USAGE);
                }
                break;
            }
            if (a.equals("--target") || a.startsWith("--target=")) {
                String name = option(args, i, "--target", "a target name such as main");
                i += a.equals("--target") ? 1 : 0;
                target = Optional.of(name);
                continue;
            }
            if (!a.equals("--timeout") && !a.equals("-t") && !a.startsWith("--timeout=")) {
                throw new IllegalArgumentException("unknown argument '" + printable(a) + "'; " + USAGE);
            }
            String value = option(args, i, a.equals("-t") ? "-t" : "--timeout", "a value such as 30s");
            i += a.startsWith("--timeout=") ? 0 : 1;
            Optional<Duration> parsed = DurationParser.parse(value);
            if (parsed.isEmpty() || parsed.get().isNegative()) {
                throw new IllegalArgumentException("--timeout '" + printable(value)
                        + "' is not a duration (examples: 30s, 2m); " + USAGE);
            }
            timeout = parsed.get();
        }
        return new WaitArguments(timeout, command, target);
    }

    public static WaitArguments parse(String... args) {
        return parse(Arrays.asList(args));
    }

    private static String option(List<String> args, int i, String name, String what) {
        return option(args, i, name, what, USAGE);
    }

    /** The value of {@code --name VALUE} or {@code --name=VALUE} at {@code i}; a missing one names {@code usage}. */
    static String option(List<String> args, int i, String name, String what, String usage) {
        String a = args.get(i);
        if (a.startsWith(name + "=")) {
            return a.substring(name.length() + 1);
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(a + " needs " + what + "; " + usage);
        }
        return args.get(i + 1);
    }

    /** An argument shown in a message: control characters escaped, so it stays one line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return out.toString();
    }
}
