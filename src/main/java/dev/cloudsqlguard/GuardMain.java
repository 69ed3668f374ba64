package dev.cloudsqlguard;

import dev.cloudsqlguard.cli.WaitVerdict;
import dev.cloudsqlguard.config.Printable;
import dev.cloudsqlguard.config.Conversion;
import dev.cloudsqlguard.config.Conversions;
import io.quarkus.runtime.Quarkus;
import java.util.Optional;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Process entry point. The sidecar (no arguments) and the one-shot {@code wait} and {@code diagnose}
 * commands share the executable; a command must not open the HTTP port (a sidecar beside it may own
 * 8090) and keeps the console for its own lines, so it adjusts Quarkus before it starts.
 */
@QuarkusMain
public class GuardMain {

    /** The HTTP port, the one setting Quarkus reads before the guard can: checked here, with the guard's rules. */
    static final String HTTP_PORT = "quarkus.http.port";

    public static void main(String... args) {
        Optional<String> portProblem = portProblem(System.getProperty(HTTP_PORT), System.getenv("QUARKUS_HTTP_PORT"));
        if (portProblem.isPresent()) {
            System.err.println("cloudsql-guard: invalid configuration: " + portProblem.get());
            System.exit(WaitVerdict.BAD_CONFIGURATION);
            return;
        }
        if (args.length > 0 && (args[0].equals("wait") || args[0].equals("diagnose"))) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.level", "WARN");
        }
        Quarkus.run(GuardApplication.class, args);
    }

    /**
     * What is wrong with the port (a system property wins over the environment, as in MicroProfile
     * Config): a whole number from 0 (any free port) to 65535, else one line naming the property.
     */
    static Optional<String> portProblem(String property, String environment) {
        String text = property != null ? property : environment;
        if (text == null) {
            return Optional.empty();
        }
        String name = property != null ? HTTP_PORT : "QUARKUS_HTTP_PORT";
        try {
            Conversions.integer(0, 65535).convert(text.trim());
            return Optional.empty();
        } catch (Conversion.Rejected e) {
            return Optional.of(Printable.escape(name + ": " + e.getMessage()));
        }
    }
}
