package dev.cloudsqlguard.config;

/**
 * One configuration mistake, tied to the property that caused it so the startup message can
 * say exactly what to fix. The message never quotes a secret value.
 */
public record ConfigProblem(String property, String message) {

    @Override
    public String toString() {
        return property + ": " + message;
    }
}
