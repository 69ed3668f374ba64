package dev.cloudsqlguard;

import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.ConfigProblem;
import dev.cloudsqlguard.config.InvalidConfigException;
import dev.cloudsqlguard.config.NamedTargets;
import dev.cloudsqlguard.config.Property;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Reads the raw text of every {@link Catalogue} property from MicroProfile Config, by name, for
 * {@link dev.cloudsqlguard.config.SettingsParser#parse}. Asked by name, SmallRye Config finds a
 * property in any of its sources and in any spelling: {@code guard.probe.slow-threshold} in
 * {@code application.properties} or a system property, {@code GUARD_PROBE_SLOW_THRESHOLD} in the
 * environment. Only the names are Quarkus's business here; values stay text.
 *
 * <p>Why not a typed {@code @ConfigMapping}: SmallRye validates a mapping before the
 * application's {@code main} runs and fails with its own multi-line {@code SRCFG000xx} messages
 * and exit code 1, and its conversion message echoes the offending value ({@code SRCFG00039: The
 * config property ... with the config value "..."}), which for a secret would leak it. The
 * guard's contract is all problems reported at once, one line naming each property, exit code 3,
 * secrets never echoed; so the catalogue's own conversions do the typing, in the parser, where
 * that contract is kept. (A mapping of raw strings would only declare every key a second time.)
 */
public final class ConfigReader {

    private ConfigReader() {
    }

    /**
     * The value of every catalogue property that is set, keyed by its name, in catalogue order, then
     * those of every named target found among the property names ({@code guard.targets.<name>.*} or
     * {@code GUARD_TARGETS_<NAME>_*}), and any {@code guard.targets.…} key whose name is invalid.
     * Absent properties are left out (the parser applies their defaults); so are empty values, as
     * SmallRye's {@code getOptionalValue} would treat them.
     *
     * @throws InvalidConfigException naming each property whose value is set but cannot be read:
     *                                an expression such as {@code ${MISSING}} that does not expand
     *                                (SmallRye's {@code getOptionalValue} would silently call it absent)
     */
    public static Map<String, String> read(Config config) {
        Map<String, String> values = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Catalogue.ALL.forEach(p -> keys.add(p.key()));
        List<String> names = new ArrayList<>();
        config.getPropertyNames().forEach(names::add);
        for (String target : NamedTargets.names(names)) {
            Catalogue.ALL.stream().filter(Property::targetScoped).forEach(p -> keys.add(p.key(target)));
        }
        for (String name : names) {
            if (name.startsWith(Property.PREFIX) && NamedTargets.parse(name).isEmpty() && !keys.contains(name)
                    && NamedTargets.isUnderTargets(name)) {
                keys.add(name); // a guard.targets.<bad name>.… key: the parser names the problem
            }
        }
        for (String key : keys) {
            ConfigValue found = config.getConfigValue(key);
            String value = found.getValue();
            if (value != null && !value.isEmpty()) {
                values.put(key, value);
            } else if (value == null && found.getRawValue() != null && !found.getRawValue().isEmpty()) {
                // never quote the raw value: it may be (part of) a secret
                problems.add(new ConfigProblem(key, "cannot be read: a ${...} expression in it does not expand"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return values;
    }
}
