package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration tables document exactly the catalogue's properties, in its order,
 * each with the catalogue's default and meaning.
 */
class ReadmeConfigurationTest {

    /** {@code | `key` | default | meaning |} */
    private static final Pattern ROW = Pattern.compile("^\\| `(guard\\.[a-z.\\-]+)` \\| ([^|]+) \\| ([^|]+) \\|$");

    /** Its default is derived from the target form; the README describes it in words. */
    private static final String DERIVED_DEFAULT = Catalogue.TARGET_NAME.key();

    record Row(String key, String defaultValue, String meaning) {
    }

    static List<Row> rows() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                rows.add(new Row(m.group(1), clean(m.group(2)), m.group(3).trim()));
            }
        }
        return rows;
    }

    @Test
    void everyPropertyIsDocumentedInCatalogueOrder() throws Exception {
        assertThat(rows()).extracting(Row::key).containsExactlyElementsOf(Catalogue.DEFAULTS.keySet());
    }

    @Test
    void everyRowShowsTheCatalogueDefaultAndMeaning() throws Exception {
        List<Row> rows = rows();
        for (int i = 0; i < rows.size() && i < Catalogue.ALL.size(); i++) {
            Row row = rows.get(i);
            Property<?> property = Catalogue.ALL.get(i);
            assertThat(row.key()).isEqualTo(property.key());
            if (!row.key().equals(DERIVED_DEFAULT)) {
                assertThat(row.defaultValue()).as("default of %s", row.key()).isEqualTo(property.defaultValue().orElse(null));
            }
            assertThat(row.meaning()).as("meaning of %s", row.key()).isEqualTo(property.meaning());
        }
    }

    @Test
    void theDerivedDefaultIsDescribedNotGiven() throws Exception {
        assertThat(Catalogue.TARGET_NAME.defaultValue()).isEmpty();
        assertThat(rows()).filteredOn(r -> r.key().equals(DERIVED_DEFAULT)).singleElement()
                .extracting(Row::defaultValue).asString().contains("instance name", "socket path", "host:port");
    }

    private static String clean(String cell) {
        String c = cell.trim();
        return c.equals("—") ? null : c.replace("`", "");
    }
}
