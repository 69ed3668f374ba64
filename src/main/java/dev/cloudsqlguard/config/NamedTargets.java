package dev.cloudsqlguard.config;

import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Finds the named targets of {@code guard.targets.<name>.<key>} among property names, in either
 * spelling: {@code guard.targets.main.password-file} or {@code GUARD_TARGETS_MAIN_PASSWORD_FILE}.
 * A name matches {@link Property#TARGET_NAME} (no underscore, no dot), so the first {@code _} after
 * {@code GUARD_TARGETS_} ends it and the environment form is never ambiguous.
 */
public final class NamedTargets {

    private static final String ENV_PREFIX = Catalogue.envName(Property.TARGETS_PREFIX);

    /** A key of a named target: the target's name and the target-scoped property. */
    public record Key(String target, Property<?> property) {
    }

    private NamedTargets() {
    }

    /** The named-target key a property name spells, if it spells one with a valid name and a known key. */
    public static Optional<Key> parse(String name) {
        String target;
        if (name.startsWith(Property.TARGETS_PREFIX)) {
            String tail = name.substring(Property.TARGETS_PREFIX.length());
            int dot = tail.indexOf('.');
            if (dot < 0) {
                return Optional.empty();
            }
            target = tail.substring(0, dot);
            for (Property<?> p : Catalogue.ALL) {
                if (p.targetScoped() && valid(target) && p.key(target).equals(name)) {
                    return Optional.of(new Key(target, p));
                }
            }
            return Optional.empty();
        }
        if (name.startsWith(ENV_PREFIX)) {
            String tail = name.substring(ENV_PREFIX.length());
            int cut = tail.indexOf('_');
            if (cut < 0) {
                return Optional.empty();
            }
            target = tail.substring(0, cut).toLowerCase(Locale.ROOT);
            if (!valid(target) || !tail.substring(0, cut).equals(target.toUpperCase(Locale.ROOT))) {
                return Optional.empty();
            }
            for (Property<?> p : Catalogue.ALL) {
                if (p.targetScoped() && Catalogue.envName(p.key(target)).equals(name)) {
                    return Optional.of(new Key(target, p));
                }
            }
        }
        return Optional.empty();
    }

    /** The target names among the given property names, sorted. */
    public static SortedSet<String> names(Iterable<String> propertyNames) {
        SortedSet<String> names = new TreeSet<>();
        for (String n : propertyNames) {
            parse(n).ifPresent(k -> names.add(k.target()));
        }
        return names;
    }

    /**
     * The target name in a dotted {@code guard.targets.<name>.…} property name when it is not a valid
     * name (e.g. {@code guard.targets.Main-DB.host}), for a problem on that key.
     */
    static Optional<String> invalidName(String name) {
        if (!name.startsWith(Property.TARGETS_PREFIX)) {
            return Optional.empty();
        }
        String tail = name.substring(Property.TARGETS_PREFIX.length());
        int dot = tail.indexOf('.');
        String target = dot < 0 ? tail : tail.substring(0, dot);
        return valid(target) ? Optional.empty() : Optional.of(target);
    }

    /** True for a dotted name under {@code guard.targets.}. */
    public static boolean isUnderTargets(String name) {
        return name.startsWith(Property.TARGETS_PREFIX);
    }

    static boolean valid(String target) {
        return Property.TARGET_NAME.matcher(target).matches();
    }
}
