package dev.cloudsqlguard.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.circuit.CircuitState;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The tracker with the kept-session steady state: the server readings it keeps (connections, headroom)
 * and the events they cause, and the circuit over session probes and the walks that follow bad ones.
 */
class TargetTrackerReadingTest {

    final FakeClock clock = new FakeClock();
    final TargetTracker tracker = new TargetTracker(TargetTrackerTest.TARGET, TargetTrackerTest.PROBE,
            TargetTrackerTest.CIRCUIT, clock, () -> 0.0);

    List<TargetEvent> record(ProbeResult r) {
        List<TargetEvent> events = new ArrayList<>(tracker.permitProbe().events());
        events.addAll(tracker.record(r));
        clock.advanceMillis(500);
        return events;
    }

    List<TargetEvent> session(int used, int limit) {
        return record(Results.onSession(Outcome.OK, 1, clock.instant(), Results.connections(used, limit)));
    }

    static List<TargetEvent.HeadroomChanged> headroom(List<TargetEvent> events) {
        return events.stream().filter(e -> e instanceof TargetEvent.HeadroomChanged)
                .map(e -> (TargetEvent.HeadroomChanged) e).toList();
    }

    @Test
    void theLatestReadingIsKeptWithItsTimeAndOutlivesProbesThatReadNothing() {
        record(Results.ok(3, clock.instant()));
        assertThat(tracker.state().reading()).isEmpty();
        session(12, 97);
        TargetState.Reading r = tracker.state().reading().orElseThrow();
        assertThat(r.figures()).isEqualTo(Results.connections(12, 97));
        record(Results.failed(Reason.HANDSHAKE_TIMEOUT, clock.instant()));
        assertThat(tracker.state().reading()).contains(r);
    }

    @Test
    void lowHeadroomIsOneWarningPerCrossingAndClearsAfterAMinuteAboveTheThreshold() {
        record(Results.ok(3, clock.instant()));
        assertThat(headroom(session(80, 100))).isEmpty();
        List<TargetEvent.HeadroomChanged> low = headroom(session(91, 100));
        assertThat(low).hasSize(1);
        assertThat(low.get(0).low()).isTrue();
        assertThat(low.get(0).thresholdPercent()).isEqualTo(10f);
        assertThat(tracker.state().headroomLow()).isTrue();
        assertThat(tracker.state().ready()).as("readiness is not affected").isTrue();

        List<TargetEvent> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) { // hovering around the threshold for 50 s: no more lines
            events.addAll(session(i % 2 == 0 ? 89 : 91, 100));
        }
        assertThat(headroom(events)).isEmpty();
        assertThat(tracker.state().headroomLow()).isTrue();

        for (int i = 0; i < 120; i++) { // readings above it from 0 to 59.5 s
            events.addAll(session(50, 100));
        }
        assertThat(headroom(events)).isEmpty();
        List<TargetEvent.HeadroomChanged> cleared = headroom(session(50, 100)); // at 60 s
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).low()).isFalse();
        assertThat(tracker.state().headroomLow()).isFalse();
        assertThat(headroom(session(50, 100))).isEmpty();
    }

    @Test
    void oneSlowOrOneFailedProbeOnTheSessionFollowedByAGoodWalkNeverOpensTheCircuit() {
        record(Results.ok(3, clock.instant()));
        for (int i = 0; i < 10; i++) {
            session(3, 97);
        }
        record(Results.onSession(Outcome.SLOW, 600, clock.instant(), Results.connections(3, 97)));
        assertThat(tracker.nextDelay()).as("the walk follows at once").isEqualTo(Duration.ZERO);
        record(Results.ok(3, clock.instant()));
        record(Results.onSession(Outcome.FAILED, 300, clock.instant(), null));
        record(Results.ok(3, clock.instant()));
        for (int i = 0; i < 4; i++) {
            session(3, 97);
        }
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aHangIsTheSessionsTimeoutThenTheWalksAndThatOpensTheCircuit() {
        record(Results.ok(3, clock.instant()));
        for (int i = 0; i < 10; i++) {
            session(3, 97);
        }
        record(Results.onSession(Outcome.FAILED, 300, clock.instant(), null));
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(tracker.nextDelay()).isEqualTo(Duration.ZERO);
        record(Results.failed(Reason.HANDSHAKE_TIMEOUT, clock.instant()));
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.OPEN);
        assertThat(tracker.state().reason()).contains(Reason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void aReadingThatFailsTheProbeIsStillKept() {
        record(Results.ok(3, clock.instant()));
        ServerReading lagging = new ServerReading(2, 97, true, true, Optional.of(Duration.ofSeconds(40)), "15.20");
        ProbeResult failed = new ProbeResult(Results.TARGET, Outcome.FAILED, Stage.QUERY,
                Optional.of(Reason.REPLICA_LAGGING), Optional.empty(), "40 s behind",
                Map.of(Stage.QUERY, Duration.ofMillis(1)), Duration.ofMillis(1),
                clock.instant(), Optional.empty(), Optional.of(lagging), Optional.empty());
        record(failed);
        assertThat(tracker.state().reading().map(TargetState.Reading::figures)).contains(lagging);
        assertThat(tracker.state().reason()).contains(Reason.REPLICA_LAGGING);
    }
}
