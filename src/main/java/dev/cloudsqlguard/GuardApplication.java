package dev.cloudsqlguard;

import dev.cloudsqlguard.cli.DiagnoseArguments;
import dev.cloudsqlguard.cli.DiagnoseCommand;
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
 * does for bad parameters), then runs the sidecar, the {@code wait} or the {@code diagnose} command.
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

    @Inject
    DiagnoseCommand diagnoseCommand;

    @Override
    public int run(String... args) {
        String command = args.length > 0 ? args[0] : "";
        if (!command.isEmpty() && !command.equals("wait") && !command.equals("diagnose")) {
            System.err.println(Printable.escape("cloudsql-guard: unknown command '" + command + "'; run without "
                    + "arguments for the sidecar, or: " + WaitArguments.USAGE + "; or: " + DiagnoseArguments.USAGE));
            return WaitVerdict.BAD_CONFIGURATION;
        }
        boolean waitMode = command.equals("wait");
        boolean diagnoseMode = command.equals("diagnose");
        boolean oneShot = waitMode || diagnoseMode;
        WaitArguments arguments = null;
        DiagnoseArguments diagnosis = null;
        try {
            List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
            if (waitMode) {
                arguments = WaitArguments.parse(rest);
            } else if (diagnoseMode) {
                diagnosis = DiagnoseArguments.parse(rest);
            }
        } catch (IllegalArgumentException e) {
            System.err.println(Printable.escape("cloudsql-guard: " + e.getMessage()));
            return WaitVerdict.BAD_CONFIGURATION;
        }
        GuardSettings settings;
        try {
            settings = new SettingsParser().parse(ConfigReader.read(rawConfig));
            if (!oneShot) {
                StartupChecks.check(settings); // only the sidecar writes a state file
            }
        } catch (InvalidConfigException e) {
            if (oneShot) {
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
        if (diagnoseMode) {
            return diagnoseCommand.run(settings, diagnosis, System.out);
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
