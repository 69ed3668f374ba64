package dev.cloudsqlguard.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.probe.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProbePacerTest {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration STARTUP = Duration.ofMillis(100);
    static final Duration RECHECK = Duration.ofMillis(250);

    final ProbePacer pacer = new ProbePacer(
            new ProbeSettings(INTERVAL, Duration.ofSeconds(1), STARTUP, Duration.ofMillis(500), "SELECT 1", Duration.ofMinutes(10)),
            new CircuitSettings(4, 4, 50f, 75f, Duration.ofSeconds(5), 0.5, 2, RECHECK));

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void beforeStartAlwaysTheStartupInterval(CircuitState state) {
        assertThat(pacer.nextDelay(false, state, null)).isEqualTo(STARTUP);
        for (Outcome o : Outcome.values()) {
            assertThat(pacer.nextDelay(false, state, o)).isEqualTo(STARTUP);
        }
    }

    @Test
    void closedAndHealthy() {
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, Outcome.OK)).isEqualTo(INTERVAL);
    }

    @Test
    void closedAfterABadProbe() {
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, Outcome.FAILED)).isEqualTo(RECHECK);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, Outcome.SLOW)).isEqualTo(RECHECK);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, null)).isEqualTo(RECHECK);
    }

    @Test
    void openAndHalfOpenRecheck() {
        for (Outcome o : new Outcome[] {null, Outcome.OK, Outcome.SLOW, Outcome.FAILED}) {
            assertThat(pacer.nextDelay(true, CircuitState.OPEN, o)).isEqualTo(RECHECK);
            assertThat(pacer.nextDelay(true, CircuitState.HALF_OPEN, o)).isEqualTo(RECHECK);
        }
    }

    @Test
    void forcedStatesUseTheInterval() {
        for (Outcome o : new Outcome[] {null, Outcome.OK, Outcome.SLOW, Outcome.FAILED}) {
            assertThat(pacer.nextDelay(true, CircuitState.FORCED_OPEN, o)).isEqualTo(INTERVAL);
            assertThat(pacer.nextDelay(true, CircuitState.FORCED_CLOSED, o)).isEqualTo(INTERVAL);
        }
    }
}
