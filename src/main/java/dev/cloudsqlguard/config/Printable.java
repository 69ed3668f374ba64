package dev.cloudsqlguard.config;

/**
 * Text that cannot break a line: control characters (a line break in an environment variable, in
 * a server's error message) are escaped wherever the guard writes a line, so no value can start a
 * log line of its own (a forged ERROR) or split one. Pure.
 */
public final class Printable {

    private Printable() {
    }

    /** {@code \n}, {@code \r}, {@code \t} as such; other control characters as {@code \}{@code uXXXX}. */
    public static String escape(String text) {
        if (text == null || text.chars().noneMatch(Printable::isControl)) {
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
    static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }
}
