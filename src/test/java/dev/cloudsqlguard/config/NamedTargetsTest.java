package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several named targets ({@code guard.targets.<name>.*}), their roles and whether they gate. */
class NamedTargetsTest {

    final SettingsParser parser = new SettingsParser(path -> "pw");

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    InvalidConfigException invalid(String... kv) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, () -> parser.parse(props(kv)));
        assertThat(e).as("expected a refusal of %s", List.of(kv)).isNotNull();
        return e;
    }

    @Test
    void keysInBothSpellings() {
        assertThat(NamedTargets.parse("guard.targets.main.password-file")).hasValueSatisfying(k -> {
            assertThat(k.target()).isEqualTo("main");
            assertThat(k.property()).isSameAs(Catalogue.TARGET_PASSWORD_FILE);
        });
        assertThat(NamedTargets.parse("GUARD_TARGETS_MAIN_PASSWORD_FILE")).hasValueSatisfying(k -> {
            assertThat(k.target()).isEqualTo("main");
            assertThat(k.property()).isSameAs(Catalogue.TARGET_PASSWORD_FILE);
        });
        assertThat(NamedTargets.parse("GUARD_TARGETS_REPLICA2_SOCKET_DIR").map(NamedTargets.Key::target)).contains("replica2");
        assertThat(NamedTargets.parse("guard.targets.main.hots")).as("unknown key").isEmpty();
        assertThat(NamedTargets.parse("GUARD_TARGETS_MY_DB_HOST")).as("MY is a name, DB_HOST no key").isEmpty();
        assertThat(NamedTargets.parse("guard.targets.Main.host")).as("upper case name").isEmpty();
        assertThat(NamedTargets.parse("guard.probe.interval")).isEmpty();
        assertThat(NamedTargets.names(List.of("GUARD_TARGETS_B_HOST", "guard.targets.a.host", "guard.target.host")))
                .containsExactly("a", "b");
    }

    @Test
    void twoTargetsEachWithItsOwnKeysSortedByName() {
        GuardSettings s = parser.parse(props(
                "guard.targets.reports.host", "10.0.0.7", "guard.targets.reports.required", "false",
                "guard.targets.reports.user", "guard", "guard.targets.reports.role", "replica",
                "guard.targets.main.instance", "p:r:main", "guard.targets.main.user", "guard",
                "guard.targets.main.password-file", "/run/pw", "guard.targets.main.role", "PRIMARY"));
        assertThat(s.targets()).extracting(TargetSettings::name).containsExactly("main", "reports");
        TargetSettings main = s.targets().get(0);
        assertThat(main.endpoint()).isEqualTo(new Endpoint.UnixSocket(Path.of("/cloudsql/p:r:main/.s.PGSQL.5432"), 5432));
        assertThat(main.role()).isEqualTo(Role.PRIMARY);
        assertThat(main.required()).isTrue();
        assertThat(main.password()).isPresent();
        TargetSettings reports = s.targets().get(1);
        assertThat(reports.endpoint()).isEqualTo(new Endpoint.Tcp("10.0.0.7", 5432));
        assertThat(reports.role()).isEqualTo(Role.REPLICA);
        assertThat(reports.required()).isFalse();
        assertThat(reports.password()).isEmpty();
        assertThat(s.deprecations()).isEmpty();
    }

    @Test
    void aNamedTargetMayCarryAnotherLabelButLabelsAreUnique() {
        assertThat(parser.parse(props("guard.targets.a.host", "h", "guard.targets.a.name", "orders")).targets().get(0).name())
                .isEqualTo("orders");
        InvalidConfigException e = invalid("guard.targets.a.host", "h", "guard.targets.b.host", "h2",
                "guard.targets.b.name", "a");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.property()).isEqualTo("guard.targets.b.name");
            assertThat(p.message()).contains("labels must be unique");
        });
    }

    @Test
    void problemsNameTheNamedTargetsKeys() {
        InvalidConfigException e = invalid("guard.targets.a.host", "not a host", "guard.targets.b.port", "5432");
        assertThat(e.problems()).extracting(ConfigProblem::property)
                .containsExactly("guard.targets.a.host", "guard.targets.b.instance");
        assertThat(e.getMessage()).contains("set exactly one of guard.targets.b.instance");
    }

    @Test
    void theTwoFormsDoNotMix() {
        InvalidConfigException e = invalid("guard.target.host", "h", "guard.targets.a.host", "h2");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.property()).isEqualTo("guard.target.host");
            assertThat(p.message()).contains("not both");
        });
    }

    @Test
    void anInvalidNameIsRefused() {
        InvalidConfigException e = invalid("guard.targets.a.host", "h", "guard.targets.Main-DB.host", "h2");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.property()).isEqualTo("guard.targets.Main-DB.host");
            assertThat(p.message()).contains("'Main-DB' is not a target name");
        });
    }

    @Test
    void atLeastOneTargetIsRequired() {
        InvalidConfigException e = invalid("guard.targets.a.host", "h", "guard.targets.a.required", "false");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.property()).isEqualTo("guard.targets.a.required");
            assertThat(p.message()).contains("no target is required");
        });
        assertThat(invalid("guard.target.host", "h", "guard.target.required", "no").problems())
                .extracting(ConfigProblem::property).containsExactly("guard.target.required");
    }

    @Test
    void rolesNeedAUser() {
        assertThat(invalid("guard.target.host", "h", "guard.target.role", "replica").problems()).singleElement()
                .satisfies(p -> {
                    assertThat(p.property()).isEqualTo("guard.target.role");
                    assertThat(p.message()).contains("needs guard.target.user");
                });
        assertThat(invalid("guard.target.host", "h", "guard.target.user", "u", "guard.target.role", "leader")
                .getMessage()).isEqualTo("invalid configuration: guard.target.role: 'leader' is not one of any, primary, replica");
    }

    @Test
    void requirePrimaryIsDeprecatedAndStillWorks() {
        GuardSettings s = parser.parse(props("guard.target.host", "h", "guard.target.user", "u",
                "guard.target.require-primary", "true"));
        assertThat(s.targets().get(0).role()).isEqualTo(Role.PRIMARY);
        assertThat(s.deprecations()).singleElement().hasToString(
                "guard.target.require-primary: is deprecated; use guard.target.role=primary");
        GuardSettings both = parser.parse(props("guard.target.host", "h", "guard.target.user", "u",
                "guard.target.require-primary", "true", "guard.target.role", "primary"));
        assertThat(both.targets().get(0).role()).isEqualTo(Role.PRIMARY);
        assertThat(invalid("guard.target.host", "h", "guard.target.user", "u", "guard.target.require-primary", "true",
                "guard.target.role", "replica").problems()).extracting(ConfigProblem::property)
                .containsExactly("guard.target.require-primary");
    }

    @Test
    void unknownPropertiesKnowTheNamedTargetsKeys() {
        assertThat(SettingsParser.unknownProperties(List.of("guard.targets.main.host", "GUARD_TARGETS_MAIN_PASSWORD_FILE",
                "guard.targets.main.hots", "GUARD_TARGETS_MY_DB_HOST")))
                .containsExactly("guard.targets.main.hots", "GUARD_TARGETS_MY_DB_HOST");
    }
}
