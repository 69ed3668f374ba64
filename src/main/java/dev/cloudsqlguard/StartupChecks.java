package dev.cloudsqlguard;

import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.ConfigProblem;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Checks, once at startup, what the parser deliberately does not touch: the file system places
 * the sidecar will write. The state file is replaced through a temporary file and a rename in its
 * directory, so that directory must exist or be creatable and take a new file; otherwise every
 * change would fail at run time (an ERROR per change, forever) instead of once, now.
 */
final class StartupChecks {

    private StartupChecks() {
    }

    /** @throws InvalidConfigException naming the property, when a place cannot be written */
    static void check(GuardSettings settings) {
        settings.signal().stateFile().flatMap(StartupChecks::stateFileProblem).ifPresent(problem -> {
            throw new InvalidConfigException(List.of(problem));
        });
    }

    static Optional<ConfigProblem> stateFileProblem(Path file) {
        String key = Catalogue.SIGNAL_STATE_FILE.key();
        if (Files.isDirectory(file)) {
            return Optional.of(new ConfigProblem(key, file + " is a directory: name a file in it"));
        }
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".guard-check-", ".tmp"));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(new ConfigProblem(key, "cannot write in " + dir + " (" + e.getClass().getSimpleName()
                    + "): the state file needs a writable directory (a shared emptyDir / in-memory volume)"));
        }
    }
}
