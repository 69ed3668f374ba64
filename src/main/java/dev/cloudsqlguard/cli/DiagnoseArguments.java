package dev.cloudsqlguard.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Parsed {@code diagnose [--target NAME] [--probes N] [--json]} arguments. Pure; a mistake is
 * reported as one line and exit code 3, like any other bad configuration.
 *
 * @param target the one target to diagnose (empty: every target)
 * @param probes walks of a new connection per target
 * @param json   the report as one JSON document instead of text
 */
public record DiagnoseArguments(Optional<String> target, int probes, boolean json) {

    public static final int DEFAULT_PROBES = 5;
    public static final int MAX_PROBES = 100;
    public static final String USAGE = "usage: cloudsql-guard diagnose [--target NAME] [--probes N] [--json]";

    /**
     * @param args the arguments after {@code diagnose}
     * @throws IllegalArgumentException with a one-line explanation
     */
    public static DiagnoseArguments parse(List<String> args) {
        Optional<String> target = Optional.empty();
        int probes = DEFAULT_PROBES;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--target") || a.startsWith("--target=")) {
                target = Optional.of(value(args, i, "--target", "a target name such as main"));
                i += a.equals("--target") ? 1 : 0;
            } else if (a.equals("--probes") || a.startsWith("--probes=")) {
                String n = value(args, i, "--probes", "a number of probes such as 5");
                i += a.equals("--probes") ? 1 : 0;
                try {
                    probes = Integer.parseInt(n);
                } catch (NumberFormatException e) {
                    probes = -1;
                }
                if (probes < 1 || probes > MAX_PROBES) {
                    throw new IllegalArgumentException("--probes '" + WaitArguments.printable(n) + "' is not a whole number "
                            + "from 1 to " + MAX_PROBES + "; " + USAGE);
                }
            } else {
                throw new IllegalArgumentException("unknown argument '" + WaitArguments.printable(a) + "'; " + USAGE);
            }
        }
        return new DiagnoseArguments(target, probes, json);
    }

    public static DiagnoseArguments parse(String... args) {
        return parse(Arrays.asList(args));
    }

    private static String value(List<String> args, int i, String name, String what) {
        return WaitArguments.option(args, i, name, what, USAGE);
    }
}
