package dev.cloudsqlguard.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes the scratch directories the black-box tests create, so repeated runs leave nothing behind. */
final class TempDirs {

    private TempDirs() {
    }

    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a file still held open by a dying process
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
