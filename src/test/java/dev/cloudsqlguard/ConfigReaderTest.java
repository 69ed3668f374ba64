package dev.cloudsqlguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.ConfigProblem;
import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.InvalidConfigException;
import dev.cloudsqlguard.config.Property;
import dev.cloudsqlguard.config.SettingsParser;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ConfigReader} against a real SmallRye Config: both spellings reach the parser, absent keys take defaults. */
class ConfigReaderTest {

    /** A config from application.properties-style entries and environment variables. */
    static SmallRyeConfig config(Map<String, String> properties, Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .build();
    }

    @Test
    void environmentAndPropertySpellingsBothReachTheParser() {
        SmallRyeConfig config = config(Map.of("guard.target.host", "10.0.0.7"),
                Map.of("GUARD_PROBE_SLOW_THRESHOLD", "750ms", "GUARD_CIRCUIT_WINDOW_SIZE", "8"));

        Map<String, String> raw = ConfigReader.read(config);
        assertThat(raw).containsExactly(Map.entry("guard.target.host", "10.0.0.7"),
                Map.entry("guard.probe.slow-threshold", "750ms"), Map.entry("guard.circuit.window-size", "8"));

        GuardSettings settings = new SettingsParser().parse(raw);
        assertThat(settings.targets().get(0).endpoint()).isEqualTo(new Endpoint.Tcp("10.0.0.7", 5432));
        assertThat(settings.probe().slowThreshold()).isEqualTo(Duration.ofMillis(750));
        assertThat(settings.circuit().windowSize()).isEqualTo(8);
    }

    @Test
    void namedTargetsAreFoundInBothSpellings() {
        SmallRyeConfig config = config(Map.of("guard.targets.reports.host", "10.0.0.8",
                        "guard.targets.reports.required", "false"),
                Map.of("GUARD_TARGETS_MAIN_INSTANCE", "p:r:i", "GUARD_TARGETS_MAIN_PASSWORD_FILE", "/run/pw",
                        "GUARD_TARGETS_MAIN_USER", "guard"));
        Map<String, String> raw = ConfigReader.read(config);
        assertThat(raw).containsEntry("guard.targets.main.instance", "p:r:i")
                .containsEntry("guard.targets.main.password-file", "/run/pw")
                .containsEntry("guard.targets.reports.host", "10.0.0.8")
                .containsEntry("guard.targets.reports.required", "false");
        GuardSettings settings = new SettingsParser(path -> "pw").parse(raw);
        assertThat(settings.targets()).extracting(t -> t.name() + "/" + t.required())
                .containsExactly("main/true", "reports/false");
    }

    @Test
    void aKeyUnderAnInvalidTargetNameReachesTheParser() {
        Map<String, String> raw = ConfigReader.read(config(Map.of("guard.targets.Main-DB.host", "h",
                "guard.targets.a.host", "h"), Map.of()));
        assertThat(raw).containsEntry("guard.targets.Main-DB.host", "h");
    }

    @Test
    void absentKeysAreLeftOutAndTakeTheirDefaults() {
        Map<String, String> raw = ConfigReader.read(config(Map.of(), Map.of("GUARD_TARGET_INSTANCE", "p:r:i")));
        assertThat(raw).containsOnlyKeys("guard.target.instance");

        GuardSettings settings = new SettingsParser().parse(raw);
        assertThat(settings.targets().get(0).endpoint())
                .isEqualTo(new Endpoint.UnixSocket(java.nio.file.Path.of("/cloudsql/p:r:i/.s.PGSQL.5432"), 5432));
        assertThat(settings.probe().interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.targets().get(0).database()).isEqualTo("postgres");
        assertThat(settings.signal().webhook().queueSize()).isEqualTo(256);
    }

    @Test
    void anEmptyValueIsUnsetSoTheDefaultApplies() {
        Map<String, String> raw = ConfigReader.read(config(Map.of(),
                Map.of("GUARD_TARGET_INSTANCE", "p:r:i", "GUARD_TARGET_DATABASE", "")));
        assertThat(raw).doesNotContainKey("guard.target.database");
        assertThat(new SettingsParser().parse(raw).targets().get(0).database()).isEqualTo("postgres");
    }

    @Test
    void everyCatalogueKeyIsAskedForAndReadInCatalogueOrder() {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = Catalogue.ALL.size() - 1; i >= 0; i--) {
            Property<?> p = Catalogue.ALL.get(i);
            env.put(Catalogue.envName(p.key()), "value-of-" + p.key());
        }
        Map<String, String> raw = ConfigReader.read(config(Map.of(), env));
        assertThat(raw.keySet()).containsExactlyElementsOf(Catalogue.DEFAULTS.keySet());
        raw.forEach((key, value) -> assertThat(value).isEqualTo("value-of-" + key));
    }

    @Test
    void unknownPropertiesAreNotRead() {
        Map<String, String> raw = ConfigReader.read(config(Map.of("guard.probe.intervall", "1s", "quarkus.http.port", "1"),
                Map.of("GUARD_TARGET_INSTANSE", "p:r:i")));
        assertThat(raw).isEmpty();
    }

    @Test
    void expressionsThatExpandAreRead() {
        Map<String, String> raw = ConfigReader.read(config(Map.of("guard.probe.interval", "${PACE:4s}",
                "guard.target.host", "${DB_HOST}"), Map.of("DB_HOST", "10.1.2.3")));
        assertThat(raw).containsEntry("guard.probe.interval", "4s").containsEntry("guard.target.host", "10.1.2.3");
    }

    @Test
    void thePropertySourceAndTheEnvironmentFollowTheirOrdinals() {
        Map<String, String> raw = ConfigReader.read(config(Map.of("guard.probe.interval", "5s"),
                Map.of("GUARD_PROBE_INTERVAL", "3s")));
        assertThat(raw).containsEntry("guard.probe.interval", "3s");
    }

    @Test
    void anUnexpandableValueIsAProblemNamingThePropertyWithoutQuotingIt() {
        SmallRyeConfig config = config(Map.of("guard.admin.token", "s3cret-${NO_SUCH_VARIABLE}-tail",
                "guard.probe.interval", "${ALSO_MISSING}"), Map.of());
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> ConfigReader.read(config));
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(ConfigProblem::property)
                .containsExactly("guard.probe.interval", "guard.admin.token");
        assertThat(e.getMessage()).isEqualTo("invalid configuration: guard.probe.interval: cannot be read: a ${...} expression in it does not expand; "
                        + "guard.admin.token: cannot be read: a ${...} expression in it does not expand")
                .doesNotContain("s3cret", "tail", "NO_SUCH_VARIABLE", "\n");
    }
}
