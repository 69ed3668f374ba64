package dev.cloudsqlguard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file is checked, at startup, where it will be written. */
class StartupChecksTest {

    @TempDir
    Path tmp;

    @Test
    void aStateFileMustBeWritableWhereItLives() throws IOException {
        assertThat(StartupChecks.stateFileProblem(Path.of("/sys/cloudsql-guard/state.json")))
                .hasValueSatisfying(p -> assertThat(p.message()).contains("cannot write in /sys"));
        Path regular = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThat(StartupChecks.stateFileProblem(regular.resolve("state.json")).map(ConfigProblem::message))
                .hasValueSatisfying(m -> assertThat(m).contains("cannot write in " + regular));
        assertThat(StartupChecks.stateFileProblem(tmp).map(ConfigProblem::message))
                .hasValueSatisfying(m -> assertThat(m).contains("is a directory"));
        assertThat(StartupChecks.stateFileProblem(tmp).get().property()).isEqualTo("guard.signal.state-file");
    }

    @Test
    void aDirectoryThatCanBeCreatedIsFineAndNothingIsLeftBehind() throws IOException {
        assertThat(StartupChecks.stateFileProblem(tmp.resolve("new/dir/state.json"))).isEmpty();
        try (var files = Files.list(tmp.resolve("new/dir"))) {
            assertThat(files).as("the check removes its file").isEmpty();
        }
    }
}
