package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the catalogue the one place a {@code guard.*} key is written: scans the string literals
 * of {@code src/main/java} (comments skipped) and counts the keys among them.
 */
class CatalogueKeysWrittenOnceTest {

    static final Path MAIN = Path.of("src/main/java");

    /** A string literal and the file it is in. */
    record Literal(Path file, String text) {
        @Override
        public String toString() {
            return file + ": \"" + text + "\"";
        }
    }

    @Test
    void eachGuardWideKeyIsOneLiteralAndEachTargetKeyIsWrittenAsItsSuffixOnly() throws IOException {
        List<Literal> literals = literals(MAIN);
        for (Property<?> p : Catalogue.ALL) {
            List<Literal> found = literals.stream().filter(l -> l.text().equals(p.key())).toList();
            if (p.targetScoped()) {
                assertThat(found).as("%s is declared by its suffix, never spelled out", p.key()).isEmpty();
            } else {
                assertThat(found).as("literals \"%s\"", p.key()).hasSize(1)
                        .allMatch(l -> l.file().endsWith("Catalogue.java"));
            }
        }
    }

    @Test
    void theKeyPrefixesAreWrittenOnce() throws IOException {
        List<Literal> literals = literals(MAIN);
        for (String prefix : List.of("guard.", "guard.target.", "guard.targets.")) {
            assertThat(literals).filteredOn(l -> l.text().equals(prefix)).as("literals \"%s\"", prefix).hasSize(1)
                    .allMatch(l -> l.file().endsWith("Property.java"));
        }
    }

    @Test
    void noOtherLiteralOfMainSpellsAKey() throws IOException {
        List<Pattern> keys = Catalogue.ALL.stream()
                .map(p -> Pattern.compile("(?<![a-z0-9.\\-])" + Pattern.quote(p.key()) + "(?![a-z0-9\\-])")).toList();
        List<Literal> spelled = literals(MAIN).stream()
                .filter(l -> !Catalogue.DEFAULTS.containsKey(l.text()))
                .filter(l -> keys.stream().anyMatch(k -> k.matcher(l.text()).find()))
                .toList();
        assertThat(spelled).as("messages compose keys with Property.key()").isEmpty();
    }

    @Test
    void theScannerSeesLiteralsButNotComments() {
        List<String> texts = literals(Path.of("X.java"), """
                // "in a line comment"
                /* "in a block comment" */
                class X { String a = "one", b = "t\\"wo"; char c = '"'; String d = "three"; }
                """).stream().map(Literal::text).toList();
        assertThat(texts).containsExactly("one", "t\\\"wo", "three");
    }

    static List<Literal> literals(Path root) throws IOException {
        List<Literal> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                all.addAll(literals(file, Files.readString(file)));
            }
        }
        return all;
    }

    /** The string literals of one source file (text blocks included, escapes left as written). */
    static List<Literal> literals(Path file, String source) {
        List<Literal> found = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i) < 0 ? n : source.indexOf('\n', i);
            } else if (source.startsWith("/*", i)) {
                i = source.indexOf("*/", i + 2) < 0 ? n : source.indexOf("*/", i + 2) + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                found.add(new Literal(file, source.substring(i + 3, end)));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    found.add(new Literal(file, source.substring(i + 1, j)));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return found;
    }
}
