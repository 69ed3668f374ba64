package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration tables document exactly the properties the guard knows, with their defaults. */
class ReadmeConfigurationTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(guard\\.[a-z.\\-]+)`(?: / `(guard\\.[a-z.\\-]+)`)? \\| ([^|]+) \\|");

    @Test
    void everyPropertyIsDocumentedWithItsDefault() throws Exception {
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                String[] defaults = m.group(3).trim().split(" / ");
                documented.put(m.group(1), clean(defaults[0]));
                if (m.group(2) != null) {
                    documented.put(m.group(2), clean(defaults.length > 1 ? defaults[1] : defaults[0]));
                }
            }
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(SettingsParser.DEFAULTS.keySet());
        SettingsParser.DEFAULTS.forEach((key, value) -> {
            if (value != null && !key.equals("guard.target.name")) {
                assertThat(documented.get(key)).as(key).isEqualTo(value);
            }
        });
    }

    private static String clean(String cell) {
        String c = cell.trim();
        return c.equals("—") ? null : c.replace("`", "");
    }
}
