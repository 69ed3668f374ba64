package dev.cloudsqlguard.circuit;

import java.time.Instant;

/**
 * An immutable picture of one circuit for the status document and signals.
 *
 * @param state         current state
 * @param since         when it entered that state
 * @param why           plain-language cause of the last transition
 * @param failureRate   percentage of failed probes in the window, or -1 while fewer than the minimum
 * @param slowRate      percentage of slow probes in the window, or -1 likewise
 * @param windowProbes  probes currently in the window
 */
public record CircuitView(
        CircuitState state,
        Instant since,
        String why,
        float failureRate,
        float slowRate,
        int windowProbes) {
}
