package dev.cloudsqlguard.config;

import static dev.cloudsqlguard.config.Catalogue.ADMIN_ENABLED;
import static dev.cloudsqlguard.config.Catalogue.ADMIN_TOKEN;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_FAILURE_RATE_THRESHOLD;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_HALF_OPEN_PROBES;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_MINIMUM_PROBES;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_OPEN_WAIT;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_OPEN_WAIT_SPREAD;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_RECHECK_INTERVAL;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_SLOW_RATE_THRESHOLD;
import static dev.cloudsqlguard.config.Catalogue.CIRCUIT_WINDOW_SIZE;
import static dev.cloudsqlguard.config.Catalogue.PROBE_HEADROOM_WARNING;
import static dev.cloudsqlguard.config.Catalogue.PROBE_INTERVAL;
import static dev.cloudsqlguard.config.Catalogue.PROBE_NEW_CONNECTION_INTERVAL;
import static dev.cloudsqlguard.config.Catalogue.PROBE_QUERY;
import static dev.cloudsqlguard.config.Catalogue.PROBE_SESSION_MAX_AGE;
import static dev.cloudsqlguard.config.Catalogue.PROBE_SESSION_TIMEOUT;
import static dev.cloudsqlguard.config.Catalogue.PROBE_SLOW_THRESHOLD;
import static dev.cloudsqlguard.config.Catalogue.PROBE_STARTUP_INTERVAL;
import static dev.cloudsqlguard.config.Catalogue.PROBE_TIMEOUT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * Turns raw {@code guard.*} properties into {@link GuardSettings}, or explains every mistake at
 * once, each tied to its property. The properties, their defaults and conversions are the
 * {@link Catalogue}'s; this class orders the reading (target, probe, circuit, signals, admin) and
 * holds the rules between properties. Pure apart from checking a password file is readable,
 * which goes through an injectable reader.
 */
public final class SettingsParser {

    /** Reads a file's text; injectable so tests need no files. */
    @FunctionalInterface
    public interface FileReader {
        String read(Path path) throws IOException;
    }

    private final FileReader files;

    public SettingsParser() {
        this(path -> Files.readString(path, StandardCharsets.UTF_8));
    }

    public SettingsParser(FileReader files) {
        this.files = files;
    }

    /**
     * Parses the given raw values, keyed by property name (absent keys take their defaults,
     * unknown keys are ignored, the map is not modified).
     *
     * @throws InvalidConfigException listing every problem found
     */
    public GuardSettings parse(Map<String, String> raw) {
        ConfigValues values = new ConfigValues(raw);
        List<TargetSettings> targets = targets(values);
        ProbeSettings probe = probe(values);
        CircuitSettings circuit = circuit(values);
        SignalSettings signal = SignalParser.parse(values);
        AdminSettings admin = admin(values);
        if (!values.problems().isEmpty()) {
            throw new InvalidConfigException(values.problems());
        }
        return new GuardSettings(targets, probe, circuit, signal, admin, values.deprecations());
    }

    /**
     * The single {@code guard.target.*} target, or every named {@code guard.targets.<name>.*} one
     * (sorted by name; the two forms do not mix), with unique labels and at least one required.
     */
    private List<TargetSettings> targets(ConfigValues values) {
        for (String key : values.keys()) {
            NamedTargets.invalidName(key).ifPresent(name -> values.problem(key, "'" + name + "' is not a target name: "
                    + "a name is a lower-case letter, then up to 31 lower-case letters or digits ("
                    + Property.TARGET_NAME.pattern() + ")"));
        }
        SortedSet<String> names = NamedTargets.names(values.keys());
        List<TargetSettings> targets = new ArrayList<>();
        if (names.isEmpty()) {
            targets.add(new TargetParser(new TargetValues(values, Property::key), files, null).parse());
        } else {
            Catalogue.ALL.stream().filter(p -> p.targetScoped() && values.isSet(p.key())).findFirst()
                    .ifPresent(p -> values.problem(p.key(), "conflicts with " + Property.TARGETS_PREFIX + names.first()
                            + ".*: configure one target as " + p.key().substring(0, p.key().lastIndexOf('.'))
                            + ".* or several as " + Property.TARGETS_PREFIX + "<name>.*, not both"));
            for (String name : names) {
                targets.add(new TargetParser(new TargetValues(values, p -> p.key(name)), files, name).parse());
            }
        }
        List<String> configNames = names.isEmpty() ? Collections.singletonList(null) : List.copyOf(names);
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            if (!labels.add(targets.get(i).name())) {
                values.problem(keyOf(Catalogue.TARGET_NAME, configNames.get(i)), "'" + targets.get(i).name()
                        + "' names another target too: labels must be unique");
            }
        }
        if (targets.stream().noneMatch(TargetSettings::required)) {
            values.problem(keyOf(Catalogue.TARGET_REQUIRED, configNames.get(0)), "no target is required: at least "
                    + "one must gate /q/health/started and /q/health/ready");
        }
        return targets;
    }

    /** The key of a target-scoped property for the single target (null) or a named one. */
    private static String keyOf(Property<?> property, String configName) {
        return configName == null ? property.key() : property.key(configName);
    }

    /**
     * Names of given properties that the guard does not know, for a startup warning (typos).
     * Environment-variable spellings ({@code GUARD_PROBE_INTERVAL}) are compared in that form.
     */
    public static List<String> unknownProperties(Iterable<String> names) {
        Set<String> known = new HashSet<>();
        for (String key : Catalogue.DEFAULTS.keySet()) {
            known.add(key);
            known.add(Catalogue.envName(key));
        }
        String envPrefix = Catalogue.envName(Property.PREFIX);
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            boolean ours = name.startsWith(Property.PREFIX) || name.startsWith(envPrefix);
            if (ours && !known.contains(name) && !known.contains(Catalogue.envName(name))
                    && NamedTargets.parse(name).isEmpty()) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private static ProbeSettings probe(ConfigValues v) {
        return new ProbeSettings(v.valueOrDefault(PROBE_INTERVAL), v.valueOrDefault(PROBE_TIMEOUT),
                v.valueOrDefault(PROBE_SESSION_TIMEOUT), v.valueOrDefault(PROBE_NEW_CONNECTION_INTERVAL),
                v.valueOrDefault(PROBE_STARTUP_INTERVAL), v.valueOrDefault(PROBE_SLOW_THRESHOLD),
                v.valueOrDefault(PROBE_QUERY), v.valueOrDefault(PROBE_SESSION_MAX_AGE),
                v.valueOrDefault(PROBE_HEADROOM_WARNING));
    }

    private static CircuitSettings circuit(ConfigValues v) {
        Optional<Integer> window = v.value(CIRCUIT_WINDOW_SIZE);
        Optional<Integer> minimum = v.value(CIRCUIT_MINIMUM_PROBES);
        if (window.isPresent() && minimum.isPresent() && minimum.get() > window.get()) {
            v.problem(CIRCUIT_MINIMUM_PROBES.key(), "is " + minimum.get() + ", more than "
                    + CIRCUIT_WINDOW_SIZE.key() + " (" + window.get() + ")");
        }
        return new CircuitSettings(window.orElse(0), minimum.orElse(0),
                v.valueOrDefault(CIRCUIT_FAILURE_RATE_THRESHOLD), v.valueOrDefault(CIRCUIT_SLOW_RATE_THRESHOLD),
                v.valueOrDefault(CIRCUIT_OPEN_WAIT), v.valueOrDefault(CIRCUIT_OPEN_WAIT_SPREAD),
                v.valueOrDefault(CIRCUIT_HALF_OPEN_PROBES), v.valueOrDefault(CIRCUIT_RECHECK_INTERVAL));
    }

    private static AdminSettings admin(ConfigValues v) {
        boolean enabled = v.valueOrDefault(ADMIN_ENABLED);
        Optional<Secret> token = v.value(ADMIN_TOKEN);
        if (enabled && token.isEmpty()) {
            v.problem(ADMIN_TOKEN.key(), "is required when " + ADMIN_ENABLED.key() + "=true");
        } else if (enabled && token.get().reveal().length() < 16) {
            v.problem(ADMIN_TOKEN.key(), "must be at least 16 characters long");
        }
        return new AdminSettings(enabled, token);
    }
}
