package dev.cloudsqlguard.state;

import java.util.Objects;

/**
 * A target's verdict in words: which layer is at fault, what happened, and what to check next (a
 * concrete setting or command). Derived from the published state only ({@link Verdicts}); holds no
 * secret.
 *
 * @param layer   where the path broke, or {@link Layer#HEALTHY}
 * @param summary one line saying what the guard saw
 * @param hint    what to check next
 */
public record Verdict(Layer layer, String summary, String hint) {

    public Verdict {
        Objects.requireNonNull(layer, "layer");
        if (summary == null || summary.isBlank() || hint == null || hint.isBlank()) {
            throw new IllegalArgumentException("a verdict has a summary and a hint");
        }
    }
}
