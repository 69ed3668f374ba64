package dev.cloudsqlguard;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Process entry point. The sidecar (no arguments) and the one-shot {@code wait} command share
 * the executable; {@code wait} must not open the HTTP port (a sidecar beside it may own 8090)
 * and keeps the console for its own verdict lines, so it adjusts Quarkus before it starts.
 */
@QuarkusMain
public class GuardMain {

    public static void main(String... args) {
        if (args.length > 0 && args[0].equals("wait")) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.level", "WARN");
        }
        Quarkus.run(GuardApplication.class, args);
    }
}
