package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.state.GuardState;

/**
 * A channel that carries the published state to the app and its operators: the state file,
 * webhooks, SSE, metrics, logs. Every signal starts the same way, once, from the validated
 * settings and the first published state, after the probe loop is prepared and before its first
 * tick, so that no update is missed. From then on it observes each {@code GuardUpdate} on the
 * probe thread and must only hand work off (queue, emit), never block.
 */
public interface Signal {

    void start(GuardSettings settings, GuardState initial);
}
