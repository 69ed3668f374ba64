package dev.cloudsqlguard.circuit;

import java.time.Instant;

/**
 * One change of a target's circuit: the unit every signal (SSE, webhook, state file, log) carries.
 *
 * @param target      target name
 * @param from        previous state
 * @param to          new state
 * @param at          when it happened
 * @param reason      reason code of the probe that triggered it ({@code none} if it was a good probe or an operator)
 * @param why         plain-language cause
 * @param failureRate window failure rate at that moment (-1 if not yet computed)
 * @param slowRate    window slow rate at that moment (-1 if not yet computed)
 */
public record CircuitTransition(
        String target,
        CircuitState from,
        CircuitState to,
        Instant at,
        String reason,
        String why,
        float failureRate,
        float slowRate) {
}
