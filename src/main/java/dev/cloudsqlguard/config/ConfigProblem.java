package dev.cloudsqlguard.config;

/**
 * One configuration mistake, tied to the property that caused it so the startup message can
 * say exactly what to fix. The message never quotes a secret value.
 */
public record ConfigProblem(String property, String message) {

    /** Control characters (a line break in a value) are escaped: a value can never start a log line of its own. */
    public ConfigProblem {
        property = Printable.escape(property);
        message = Printable.escape(message);
    }

    @Override
    public String toString() {
        return property + ": " + message;
    }
}
