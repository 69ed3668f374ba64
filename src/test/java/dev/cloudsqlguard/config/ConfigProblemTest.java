package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A problem is one line whatever the value held. */
class ConfigProblemTest {

    @Test
    void controlCharactersAreEscaped() {
        assertThat(Printable.escape("a\nb\rc\td\u0000e\u001bf\u007fg\u2028h\u0085i")).isEqualTo(
                "a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u2028h\\u0085i");
        assertThat(Printable.escape("plain: é ü 東京")).isEqualTo("plain: é ü 東京");
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
}
