package dev.cloudsqlguard.config;

/** The validated configuration of a guard: everything it needs, already parsed. */
public record GuardSettings(
        TargetSettings target,
        ProbeSettings probe,
        CircuitSettings circuit,
        SignalSettings signal,
        AdminSettings admin) {
}
