package dev.cloudsqlguard;

import dev.cloudsqlguard.config.GuardConfig;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.InvalidConfigException;
import dev.cloudsqlguard.config.SettingsParser;
import dev.cloudsqlguard.circuit.GuardStateStore;
import dev.cloudsqlguard.probe.ProbeLoop;
import dev.cloudsqlguard.signal.SseSignal;
import dev.cloudsqlguard.signal.StateFileSignal;
import dev.cloudsqlguard.signal.WebhookSignal;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Entry point. Validates the configuration first (one clear line and exit code 3 on a mistake,
 * as pg_isready does for bad parameters), then runs the sidecar.
 */
@QuarkusMain
public class GuardMain implements QuarkusApplication {

    /** pg_isready's exit code for bad parameters. */
    public static final int EXIT_BAD_CONFIGURATION = 3;

    private static final Logger LOG = Logger.getLogger("dev.cloudsqlguard");

    @Inject
    GuardConfig config;

    @Inject
    Config rawConfig;

    @Inject
    ProbeLoop loop;

    @Inject
    StateFileSignal stateFile;

    @Inject
    WebhookSignal webhooks;

    @Inject
    SseSignal sse;

    @Inject
    GuardStateStore store;

    @Override
    public int run(String... args) {
        GuardSettings settings;
        try {
            settings = new SettingsParser().parse(config.raw());
        } catch (InvalidConfigException e) {
            LOG.error(e.getMessage());
            return EXIT_BAD_CONFIGURATION;
        }
        List<String> unknown = SettingsParser.unknownProperties(rawConfig.getPropertyNames());
        if (!unknown.isEmpty()) {
            LOG.warnf("ignoring unknown guard properties (typo?): %s", String.join(", ", unknown));
        }
        sse.configure(settings.signal().sseKeepAlive());
        webhooks.start(settings.signal().webhook());
        loop.start(settings);
        settings.signal().stateFile().ifPresent(path -> stateFile.start(path, store.current()));
        Quarkus.waitForExit();
        return 0;
    }
}
