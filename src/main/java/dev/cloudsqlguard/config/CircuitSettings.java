package dev.cloudsqlguard.config;

import java.time.Duration;

/**
 * When a target's circuit opens and how it recovers (see README, "Circuit").
 *
 * @param windowSize           number of recent probes the failure and slow rates are computed over
 * @param minimumProbes        probes needed in the window before the rates count
 * @param failureRateThreshold percentage of failed probes that opens the circuit
 * @param slowRateThreshold    percentage of slow probes that opens the circuit
 * @param openWait             base wait in OPEN before trial probes
 * @param openWaitSpread       randomisation of that wait, 0..1 (0.5 = ±50 %), so a fleet does not stampede
 * @param halfOpenProbes       good trial probes needed in HALF_OPEN to close again
 * @param recheckInterval      probe pace after a bad probe while CLOSED, and during HALF_OPEN
 */
public record CircuitSettings(
        int windowSize,
        int minimumProbes,
        float failureRateThreshold,
        float slowRateThreshold,
        Duration openWait,
        double openWaitSpread,
        int halfOpenProbes,
        Duration recheckInterval) {
}
