package dev.cloudsqlguard.config;

import java.util.List;

/**
 * The validated configuration of a guard: everything it needs, already parsed.
 *
 * @param targets      every target, in configuration order (one for {@code guard.target.*})
 * @param deprecations settings that still work but should change, for one warning line each
 */
public record GuardSettings(
        List<TargetSettings> targets,
        ProbeSettings probe,
        CircuitSettings circuit,
        SignalSettings signal,
        AdminSettings admin,
        List<ConfigProblem> deprecations) {

    public GuardSettings {
        targets = List.copyOf(targets);
        deprecations = List.copyOf(deprecations);
    }
}
