package dev.cloudsqlguard.cli;

import dev.cloudsqlguard.config.DurationParser;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parsed {@code wait [--timeout 60s] [-- CMD ARGS…]} arguments. Pure; a mistake is reported as
 * one line and exit code 3, like any other bad configuration.
 *
 * @param timeout how long to wait for the database; zero means probe once
 * @param command the command to run once ready (empty: just exit 0)
 */
public record WaitArguments(Duration timeout, List<String> command) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final String USAGE = "usage: cloudsql-guard wait [--timeout 60s] [-- COMMAND [ARGS...]]";

    public WaitArguments {
        command = List.copyOf(command);
    }

    /**
     * @param args the arguments after {@code wait}
     * @throws IllegalArgumentException with a one-line explanation
     */
    public static WaitArguments parse(List<String> args) {
        Duration timeout = DEFAULT_TIMEOUT;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                List<String> command = args.subList(i + 1, args.size());
                if (command.isEmpty()) {
                    throw new IllegalArgumentException("'--' must be followed by a command; " + USAGE);
                }
                return new WaitArguments(timeout, command);
            }
            String value;
            if (a.equals("--timeout") || a.equals("-t")) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(a + " needs a value such as 30s; " + USAGE);
                }
                value = args.get(++i);
            } else if (a.startsWith("--timeout=")) {
                value = a.substring("--timeout=".length());
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'; " + USAGE);
            }
            Optional<Duration> parsed = DurationParser.parse(value);
            if (parsed.isEmpty() || parsed.get().isNegative()) {
                throw new IllegalArgumentException("--timeout '" + value + "' is not a duration (examples: 30s, 2m); " + USAGE);
            }
            timeout = parsed.get();
        }
        return new WaitArguments(timeout, List.of());
    }

    public static WaitArguments parse(String... args) {
        return parse(Arrays.asList(args));
    }
}
