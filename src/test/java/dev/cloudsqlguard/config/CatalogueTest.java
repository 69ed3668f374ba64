package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogueTest {

    static final String KEBAB_SEGMENT = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

    @Test
    void fortyFivePropertiesWithUniqueKeysAndEnvironmentNames() {
        assertThat(Catalogue.ALL).hasSize(45);
        Set<String> keys = new HashSet<>();
        Set<String> envNames = new HashSet<>();
        for (Property<?> p : Catalogue.ALL) {
            assertThat(keys.add(p.key())).as("unique key %s", p).isTrue();
            assertThat(envNames.add(Catalogue.envName(p.key()))).as("unique env name of %s", p).isTrue();
        }
        assertThat(Catalogue.DEFAULTS.keySet()).containsExactlyElementsOf(Catalogue.ALL.stream().map(Property::key).toList());
    }

    @Test
    void everyKeyIsGuardPrefixedAndKebabCase() {
        for (Property<?> p : Catalogue.ALL) {
            assertThat(p.key()).startsWith(Property.PREFIX).matches("guard(\\." + KEBAB_SEGMENT + ")+");
        }
    }

    @Test
    void everyMeaningIsOneNonEmptyLine() {
        for (Property<?> p : Catalogue.ALL) {
            assertThat(p.meaning()).as(p.key()).isNotBlank().doesNotContain("\n", "\r", "|");
        }
    }

    @Test
    void everyDefaultConvertsWithItsOwnConversion() throws Conversion.Rejected {
        for (Property<?> p : Catalogue.ALL) {
            if (p.defaultValue().isPresent()) {
                assertThat(p.conversion().convert(p.defaultValue().get())).as(p.key()).isNotNull();
            }
        }
        assertThat(Catalogue.PROBE_INTERVAL.conversion().convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Catalogue.TARGET_SOCKET_DIR.conversion().convert("/cloudsql")).isEqualTo(Path.of("/cloudsql"));
        assertThat(Catalogue.TARGET_PORT.conversion().convert("5432")).isEqualTo(5432);
        assertThat(Catalogue.CIRCUIT_OPEN_WAIT_SPREAD.conversion().convert("0.5")).isEqualTo(0.5);
        assertThat(Catalogue.ADMIN_ENABLED.conversion().convert("false")).isFalse();
    }

    @Test
    void secretsHaveNoDefaultAndAreNeverTrimmed() throws Conversion.Rejected {
        assertThat(Catalogue.ALL.stream().filter(Property::secret).map(Property::key))
                .containsExactly("guard.target.password", "guard.signal.webhook.secret", "guard.admin.token");
        assertThat(Catalogue.SECRET_PROPERTIES)
                .containsExactly("guard.target.password", "guard.signal.webhook.secret", "guard.admin.token");
        for (Property<?> p : Catalogue.ALL) {
            if (p.secret()) {
                assertThat(p.defaultValue()).as(p.key()).isEmpty();
                assertThat(p.conversion().convert(" s ")).isInstanceOf(Secret.class).hasToString("****");
            }
        }
        assertThatThrownBy(() -> Property.guardWide("guard.x", "d", Conversions.secret(), "m").asSecret())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void boundsAreTheConversions() {
        assertRejected(Catalogue.CIRCUIT_WINDOW_SIZE, "1001", "is 1001, outside 1-1000");
        assertRejected(Catalogue.CIRCUIT_FAILURE_RATE_THRESHOLD, "0", "outside 0 (exclusive) to 100 percent");
        assertRejected(Catalogue.PROBE_INTERVAL, "9ms", "below the minimum of 10ms");
        assertRejected(Catalogue.TARGET_PASSWORD_FILE, "pw", "'pw' must be an absolute path");
        assertRejected(Catalogue.SIGNAL_STATE_FILE, "/", "must name a file");
        assertRejected(Catalogue.TARGET_REQUIRE_PRIMARY, "Maybe", "'maybe' is not true or false");
        assertRejected(Catalogue.TARGET_DATABASE, "", "must not be empty");
    }

    static void assertRejected(Property<?> p, String text, String message) {
        assertThatThrownBy(() -> p.conversion().convert(text)).isInstanceOf(Conversion.Rejected.class)
                .hasMessageContaining(message).satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    // ---- target-scoped keys --------------------------------------------------------------

    @Test
    void theTargetKeysAreTargetScopedAndNothingElseIs() {
        assertThat(Catalogue.ALL).filteredOn(Property::targetScoped).extracting(Property::key).containsExactly(
                "guard.target.instance", "guard.target.socket-dir", "guard.target.socket", "guard.target.host",
                "guard.target.port", "guard.target.name", "guard.target.database", "guard.target.user",
                "guard.target.password", "guard.target.password-file", "guard.target.role", "guard.target.require-primary",
                "guard.target.required", "guard.target.ssl-mode", "guard.target.ssl-root-cert", "guard.target.ssl-cert",
                "guard.target.ssl-key", "guard.target.max-replication-lag");
        assertThat(Catalogue.ALL).filteredOn(p -> !p.targetScoped()).extracting(Property::key)
                .noneMatch(k -> k.startsWith("guard.target"));
    }

    @Test
    void aNamedTargetHasTheSameKeysUnderGuardTargets() {
        assertThat(Catalogue.TARGET_HOST.key()).isEqualTo("guard.target.host");
        assertThat(Catalogue.TARGET_HOST.key("main")).isEqualTo("guard.targets.main.host");
        assertThat(Catalogue.TARGET_SOCKET_DIR.key("replica2")).isEqualTo("guard.targets.replica2.socket-dir");
        for (Property<?> p : Catalogue.ALL) {
            if (p.targetScoped()) {
                String suffix = p.key().substring("guard.target.".length());
                assertThat(p.key("orders")).isEqualTo("guard.targets.orders." + suffix);
            }
        }
    }

    @Test
    void targetKeysInTheirEnvironmentForm() {
        assertThat(Catalogue.envName(Catalogue.TARGET_HOST.key())).isEqualTo("GUARD_TARGET_HOST");
        assertThat(Catalogue.envName(Catalogue.TARGET_HOST.key("main"))).isEqualTo("GUARD_TARGETS_MAIN_HOST");
        assertThat(Catalogue.envName(Catalogue.TARGET_PASSWORD_FILE.key("orders")))
                .isEqualTo("GUARD_TARGETS_ORDERS_PASSWORD_FILE");
        assertThat(Catalogue.envName(Catalogue.TARGET_REQUIRE_PRIMARY.key("db1")))
                .isEqualTo("GUARD_TARGETS_DB1_REQUIRE_PRIMARY");
    }

    @ParameterizedTest(name = "target name ''{0}''")
    @ValueSource(strings = {"", "Main", "1db", "my-db", "my_db", "a.b", "x123456789012345678901234567890123"})
    void targetNamesOutsideThePatternAreRefused(String name) {
        assertThatThrownBy(() -> Catalogue.TARGET_HOST.key(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void targetNameBoundaries() {
        assertThat(Catalogue.TARGET_HOST.key("a")).isEqualTo("guard.targets.a.host");
        String longest = "x" + "1".repeat(31);
        assertThat(Catalogue.TARGET_HOST.key(longest)).isEqualTo("guard.targets." + longest + ".host");
    }

    @Test
    void aGuardWidePropertyHasNoTargetKey() {
        assertThatThrownBy(() -> Catalogue.PROBE_INTERVAL.key("main")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Property.guardWide("probe.interval", null, Conversions.text(), "m"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAndTextsConvertAsTheParserExpects() throws Conversion.Rejected {
        assertThat(Catalogue.WEBHOOK_URLS.conversion().convert(" a , b,, ")).isEqualTo(List.of("a", "b"));
        assertThat(Catalogue.TARGET_HOST.conversion().convert("db")).isEqualTo("db");
    }
}
