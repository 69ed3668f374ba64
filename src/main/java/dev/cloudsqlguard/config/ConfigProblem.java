package dev.cloudsqlguard.config;

/**
 * One configuration mistake, tied to the property that caused it so the startup message can
 * say exactly what to fix. The message never quotes a secret value.
 */
public record ConfigProblem(String property, String message) {

    /** Control characters (a line break in a value) are escaped: a value can never start a log line of its own. */
    public ConfigProblem {
        property = escape(property);
        message = escape(message);
    }

    /** {@code \n}, {@code \r}, {@code \t} as such; other control characters as {@code \}{@code uXXXX}. */
    public static String escape(String text) {
        if (text == null || text.chars().noneMatch(ConfigProblem::isControl)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (isControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** C0, DEL, C1 and the Unicode line and paragraph separators: whatever a log reader may take as a break. */
    private static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }

    @Override
    public String toString() {
        return property + ": " + message;
    }
}
