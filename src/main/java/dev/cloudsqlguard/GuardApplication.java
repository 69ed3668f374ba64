package dev.cloudsqlguard;

import dev.cloudsqlguard.cli.WaitArguments;
import dev.cloudsqlguard.cli.WaitCommand;
import dev.cloudsqlguard.cli.WaitVerdict;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.InvalidConfigException;
import dev.cloudsqlguard.config.Printable;
import dev.cloudsqlguard.config.SettingsParser;
import dev.cloudsqlguard.loop.ProbeLoop;
import dev.cloudsqlguard.signal.Signal;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import io.quarkus.arc.All;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Validates the configuration first (one clear line and exit code 3 on a mistake, as pg_isready
 * does for bad parameters), then runs the sidecar or the {@code wait} command.
 */
public class GuardApplication implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger("dev.cloudsqlguard");

    @Inject
    Config rawConfig;

    @Inject
    ProbeLoop loop;

    @Inject
    @All
    List<Signal> signals;

    @Inject
    GuardStateStore store;

    @Inject
    WaitCommand waitCommand;

    @Override
    public int run(String... args) {
        boolean waitMode = args.length > 0 && args[0].equals("wait");
        if (args.length > 0 && !waitMode) {
            System.err.println(Printable.escape("cloudsql-guard: unknown command '" + args[0] + "'; run without "
                    + "arguments for the sidecar, or: " + WaitArguments.USAGE));
            return WaitVerdict.BAD_CONFIGURATION;
        }
        WaitArguments arguments = null;
        if (waitMode) {
            try {
                arguments = WaitArguments.parse(Arrays.asList(args).subList(1, args.length));
            } catch (IllegalArgumentException e) {
                System.err.println(Printable.escape("cloudsql-guard: " + e.getMessage()));
                return WaitVerdict.BAD_CONFIGURATION;
            }
        }
        GuardSettings settings;
        try {
            settings = new SettingsParser().parse(ConfigReader.read(rawConfig));
            if (!waitMode) {
                StartupChecks.check(settings); // only the sidecar writes a state file
            }
        } catch (InvalidConfigException e) {
            if (waitMode) {
                System.err.println("cloudsql-guard: " + e.getMessage());
            } else {
                LOG.error(e.getMessage());
            }
            return WaitVerdict.BAD_CONFIGURATION;
        }
        settings.deprecations().forEach(d -> LOG.warnf("deprecated configuration: %s", d));
        List<String> unknown = SettingsParser.unknownProperties(rawConfig.getPropertyNames());
        if (!unknown.isEmpty()) {
            LOG.warnf("ignoring unknown guard properties (typo?): %s", String.join(", ", unknown));
        }
        if (waitMode) {
            return waitCommand.run(settings, arguments, System.out);
        }
        loop.prepare(settings);
        GuardState initial = store.current();
        signals.forEach(signal -> signal.start(settings, initial));
        loop.start();
        StopSignals.install();
        Quarkus.waitForExit();
        return 0;
    }
}
