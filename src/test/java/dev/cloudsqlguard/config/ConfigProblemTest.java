package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A problem is one line whatever the value held, and a state file is checked where it will be written. */
class ConfigProblemTest {

    @TempDir
    Path tmp;

    @Test
    void controlCharactersAreEscaped() {
        assertThat(ConfigProblem.escape("a\nb\rc\td\u0000e\u001bf\u007fg\u2028h\u0085i")).isEqualTo(
                "a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u2028h\\u0085i");
        assertThat(ConfigProblem.escape("plain: é ü 東京")).isEqualTo("plain: é ü 東京");
        ConfigProblem p = new ConfigProblem("guard.target.instance", "'a:b:c\nERROR forged line' is not a name");
        assertThat(p.toString()).doesNotContain("\n").contains("a:b:c\\nERROR forged line");
        assertThat(new InvalidConfigException(List.of(p)).getMessage().lines()).hasSize(1);
    }

    @Test
    void aLineBreakInAnyValueStaysOnTheOneLine() {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("guard.target.instance", "a:b:c\nERROR forged line");
        raw.put("guard.probe.interval", "2s\r\nWARN another");
        InvalidConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidConfigException.class,
                () -> new SettingsParser().parse(raw));
        assertThat(e.getMessage().lines()).hasSize(1);
        assertThat(e.getMessage()).contains("\\nERROR forged line");
    }

    private static ConfigProblem stateFileProblem(Path file) {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("guard.target.instance", "p:r:i");
        raw.put("guard.signal.state-file", file.toString());
        InvalidConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidConfigException.class,
                () -> new SettingsParser().parse(raw));
        assertThat(e).as("a problem for %s", file).isNotNull();
        return SettingsParserTest.single(e, "guard.signal.state-file");
    }

    @Test
    void aStateFileMustBeWritableWhereItLives() throws IOException {
        assertThat(stateFileProblem(Path.of("/sys/cloudsql-guard/state.json")).message()).contains("cannot write in /sys");
        Path regular = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThat(stateFileProblem(regular.resolve("state.json")).message()).contains("cannot write in " + regular);
        assertThat(stateFileProblem(tmp).message()).contains("is a directory");
    }

    @Test
    void aStateFileDirectoryThatCanBeCreatedIsFineAndNothingIsLeftBehind() throws IOException {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("guard.target.instance", "p:r:i");
        raw.put("guard.signal.state-file", tmp.resolve("new/dir/state.json").toString());
        new SettingsParser().parse(raw);
        try (var files = Files.list(tmp.resolve("new/dir"))) {
            assertThat(files).as("the write check removes its file").isEmpty();
        }
    }
}
