package dev.cloudsqlguard.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProbePacerTest {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration STARTUP = Duration.ofMillis(100);
    static final Duration RECHECK = Duration.ofMillis(250);
    static final Instant AT = FakeClock.START;

    static final ProbeResult OK = Results.ok(5, AT);
    static final ProbeResult SLOW = Results.slow(700, AT);
    static final ProbeResult FAILED = Results.failed(Reason.HANDSHAKE_TIMEOUT, AT);
    static final ProbeResult SESSION_OK = Results.onSession(Outcome.OK, 1, AT, null);
    static final ProbeResult SESSION_SLOW = Results.onSession(Outcome.SLOW, 600, AT, null);
    static final ProbeResult SESSION_FAILED = Results.onSession(Outcome.FAILED, 300, AT, null);
    static final List<ProbeResult> ANY = Arrays.asList(null, OK, SLOW, FAILED, SESSION_OK, SESSION_SLOW, SESSION_FAILED);

    final ProbePacer pacer = new ProbePacer(
            new ProbeSettings(INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(30), STARTUP,
                    Duration.ofMillis(500), "SELECT 1", Duration.ofMinutes(10), 10f),
            new CircuitSettings(4, 4, 50f, 75f, Duration.ofSeconds(5), 0.5, 2, RECHECK));

    @ParameterizedTest
    @EnumSource(CircuitState.class)
    void beforeStartAlwaysTheStartupInterval(CircuitState state) {
        for (ProbeResult last : ANY) {
            assertThat(pacer.nextDelay(false, state, last)).isEqualTo(STARTUP);
        }
    }

    @Test
    void closedAndHealthy() {
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, OK)).isEqualTo(INTERVAL);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, SESSION_OK)).isEqualTo(INTERVAL);
    }

    @Test
    void closedAfterABadWalk() {
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, FAILED)).isEqualTo(RECHECK);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, SLOW)).isEqualTo(RECHECK);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, null)).isEqualTo(RECHECK);
    }

    @Test
    void aBadProbeOnTheKeptSessionIsFollowedAtOnceByAWalk() {
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, SESSION_FAILED)).isEqualTo(Duration.ZERO);
        assertThat(pacer.nextDelay(true, CircuitState.CLOSED, SESSION_SLOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void openAndHalfOpenRecheck() {
        for (ProbeResult last : ANY) {
            assertThat(pacer.nextDelay(true, CircuitState.OPEN, last)).isEqualTo(RECHECK);
            assertThat(pacer.nextDelay(true, CircuitState.HALF_OPEN, last)).isEqualTo(RECHECK);
        }
    }

    @Test
    void forcedStatesUseTheInterval() {
        for (ProbeResult last : ANY) {
            assertThat(pacer.nextDelay(true, CircuitState.FORCED_OPEN, last)).isEqualTo(INTERVAL);
            assertThat(pacer.nextDelay(true, CircuitState.FORCED_CLOSED, last)).isEqualTo(INTERVAL);
        }
    }
}
