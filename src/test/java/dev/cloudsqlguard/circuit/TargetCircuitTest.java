package dev.cloudsqlguard.circuit;

import static dev.cloudsqlguard.testing.Results.failed;
import static dev.cloudsqlguard.testing.Results.ok;
import static dev.cloudsqlguard.testing.Results.slow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

public class TargetCircuitTest {

    /** The documented defaults: window 4, minimum 4, 50 % failures, 75 % slow, 5 s ± 50 %, 2 trials. */
    public static final CircuitSettings DEFAULTS = new CircuitSettings(4, 4, 50f, 75f, Duration.ofSeconds(5), 0.5, 2,
            Duration.ofMillis(250));

    final FakeClock clock = new FakeClock();
    /** What the circuit's random source returns; read when an OPEN wait is drawn. */
    double random = 0.0;
    TargetCircuit circuit = circuit(DEFAULTS);

    TargetCircuit circuit(CircuitSettings settings) {
        return new TargetCircuit(Results.TARGET, settings, Results.SLOW_THRESHOLD, clock, () -> random);
    }

    Instant now() {
        return clock.instant();
    }

    /** One tick of the probe loop: ask, then record (the circuit must allow it). */
    void probe(ProbeResult result) {
        assertThat(circuit.permitProbe()).as("probe permitted in %s", circuit.state()).isTrue();
        circuit.record(result);
        clock.advanceMillis(10);
    }

    void good(int n) {
        for (int i = 0; i < n; i++) {
            probe(ok(20, now()));
        }
    }

    ProbeResult refused() {
        return failed(Reason.CONNECT_REFUSED, now());
    }

    /** Opens the circuit with two failures after two good probes; returns the instant it opened. */
    Instant open() {
        good(2);
        probe(refused());
        Instant at = now();
        assertThat(circuit.permitProbe()).isTrue();
        circuit.record(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        circuit.drainTransitions();
        return at;
    }

    /** Opens, then waits out the (random = 0) wait: HALF_OPEN, transitions drained. */
    void halfOpen() {
        random = 0.0;
        Instant openedAt = open();
        clock.advance(Duration.between(now(), openedAt.plusMillis(2500)));
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
        circuit.drainTransitions();
    }

    // ---- CLOSED ----------------------------------------------------------------------------

    @Test
    void startsClosed() {
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        CircuitView view = circuit.view();
        assertThat(view.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(view.since()).isEqualTo(FakeClock.START);
        assertThat(view.why()).isEqualTo("closed since the startup gate opened");
        assertThat(view.failureRate()).isEqualTo(-1f);
        assertThat(view.slowRate()).isEqualTo(-1f);
        assertThat(view.windowProbes()).isZero();
        assertThat(circuit.drainTransitions()).isEmpty();
        assertThat(circuit.permitProbe()).isTrue();
    }

    @Test
    void goodProbesKeepItClosed() {
        good(50);
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().failureRate()).isZero();
        assertThat(circuit.view().slowRate()).isZero();
        assertThat(circuit.drainTransitions()).isEmpty();
    }

    @Test
    void singleFailureInAWindowOfSuccessesDoesNotOpen() {
        good(3);
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().failureRate()).isEqualTo(25f);
        // keep one failure in every four for a long time
        for (int i = 0; i < 20; i++) {
            good(3);
            probe(refused());
        }
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).isEmpty();
    }

    @Test
    void singleSlowProbeInAWindowOfSuccessesDoesNotOpen() {
        good(3);
        probe(slow(800, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().slowRate()).isEqualTo(25f);
        assertThat(circuit.view().failureRate()).isZero();
    }

    @Test
    void twoSlowOfFourDoNotOpen() {
        good(2);
        probe(slow(800, now()));
        probe(slow(800, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().slowRate()).isEqualTo(50f);
    }

    @Test
    void twoFailuresInTheLastFourOpen() {
        good(2);
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        Instant at = now();
        probe(refused());

        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        CircuitTransition t = transitions.get(0);
        assertThat(t.target()).isEqualTo(Results.TARGET);
        assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.to()).isEqualTo(CircuitState.OPEN);
        assertThat(t.at()).isEqualTo(at);
        assertThat(t.reason()).isEqualTo("connect_refused");
        assertThat(t.why()).isEqualTo("2 of the last 4 probes failed (50% >= 50%); latest: connect_refused");
        assertThat(t.failureRate()).isEqualTo(50f);
        assertThat(t.slowRate()).isZero();

        CircuitView view = circuit.view();
        assertThat(view.state()).isEqualTo(CircuitState.OPEN);
        assertThat(view.since()).isEqualTo(at);
        assertThat(view.why()).isEqualTo(t.why());
    }

    @Test
    void aGoodProbeNeverOpensTheCircuitWhileTheWindowFills() {
        // fail, fail, ok, ok: the minimum of 4 is reached on the last ok with 50 % failed.
        probe(refused());
        probe(refused());
        probe(ok(20, now()));
        probe(ok(20, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).isEmpty();
        assertThat(circuit.view().why()).doesNotContain("latest: none");
        // the window starts afresh: two new failures in the next four still open it
        good(2);
        probe(refused());
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.drainTransitions()).singleElement()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("connect_refused"));
    }

    @Test
    void aSlowProbeMayStillOpenTheCircuitWhileTheWindowFills() {
        probe(ok(20, now()));
        probe(slow(700, now()));
        probe(slow(700, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        probe(slow(700, now()));
        assertThat(circuit.state()).as("3 of the first 4 slow: a slow probe is not a good one").isEqualTo(CircuitState.OPEN);
    }

    @Test
    void twoFailuresInterleavedInTheLastFourOpen() {
        good(3);
        probe(failed(Reason.HANDSHAKE_TIMEOUT, now()));
        probe(ok(20, now()));
        probe(failed(Reason.TOO_MANY_CONNECTIONS, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        CircuitTransition t = circuit.drainTransitions().get(0);
        assertThat(t.reason()).isEqualTo("too_many_connections");
        assertThat(t.why()).startsWith("2 of the last 4 probes failed").endsWith("latest: too_many_connections");
    }

    @Test
    void failuresFurtherApartThanTheWindowDoNotOpen() {
        for (int i = 0; i < 10; i++) {
            probe(refused());
            good(3);
        }
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void threeSlowProbesOfFourOpen() {
        good(1);
        probe(slow(800, now()));
        probe(slow(600, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        Instant at = now();
        probe(slow(501, now()));

        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        CircuitTransition t = circuit.drainTransitions().get(0);
        assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.to()).isEqualTo(CircuitState.OPEN);
        assertThat(t.at()).isEqualTo(at);
        assertThat(t.reason()).as("a slow probe has no failure reason").isEqualTo("none");
        assertThat(t.why()).isEqualTo("3 of the last 4 probes were slower than 500 ms (75% >= 75%)");
        assertThat(t.slowRate()).isEqualTo(75f);
        assertThat(t.failureRate()).isZero();
    }

    @Test
    void slowMeansTotalAboveTheThresholdNotEqual() {
        for (int i = 0; i < 8; i++) {
            probe(ok(500, now()));
        }
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().slowRate()).isZero();
    }

    @Test
    void failuresBeforeTheMinimumDoNotOpen() {
        probe(refused());
        probe(refused());
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.view().failureRate()).isEqualTo(-1f);
        assertThat(circuit.view().windowProbes()).isEqualTo(3);
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.drainTransitions().get(0).why()).startsWith("4 of the last 4 probes failed (100% >= 50%)");
    }

    @Test
    void viewRatesAreMinusOneBeforeTheMinimumThenPercentages() {
        probe(ok(20, now()));
        probe(slow(900, now()));
        probe(ok(20, now()));
        CircuitView before = circuit.view();
        assertThat(before.failureRate()).isEqualTo(-1f);
        assertThat(before.slowRate()).isEqualTo(-1f);
        assertThat(before.windowProbes()).isEqualTo(3);

        probe(refused());
        CircuitView after = circuit.view();
        assertThat(after.failureRate()).isEqualTo(25f);
        assertThat(after.slowRate()).isEqualTo(25f);
        assertThat(after.windowProbes()).isEqualTo(4);

        good(3);
        assertThat(circuit.view().windowProbes()).as("the window slides").isEqualTo(4);
        assertThat(circuit.view().failureRate()).isEqualTo(25f);
        assertThat(circuit.view().slowRate()).isZero();
        good(1);
        assertThat(circuit.view().failureRate()).isZero();
    }

    // ---- OPEN ------------------------------------------------------------------------------

    @Test
    void openRefusesProbesUntilTheShortestWaitWithRandomZero() {
        random = 0.0;
        Instant openedAt = open();
        assertThat(circuit.permitProbe()).isFalse();
        clock.advance(Duration.between(now(), openedAt.plusMillis(2499)));
        assertThat(circuit.permitProbe()).as("1 ms before the 2.5 s wait").isFalse();
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.drainTransitions()).isEmpty();

        clock.advanceMillis(1);
        assertThat(circuit.permitProbe()).as("exactly at the 2.5 s wait").isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        CircuitTransition t = transitions.get(0);
        assertThat(t.from()).isEqualTo(CircuitState.OPEN);
        assertThat(t.to()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(t.at()).isEqualTo(openedAt.plusMillis(2500));
        assertThat(t.reason()).isEqualTo("none");
        assertThat(t.why()).isEqualTo("the open wait elapsed: trial probes start");
        assertThat(circuit.view().since()).isEqualTo(openedAt.plusMillis(2500));
    }

    @Test
    void openWaitWithRandomHalfIsTheBase() {
        random = 0.5;
        Instant openedAt = open();
        clock.advance(Duration.between(now(), openedAt.plusMillis(4999)));
        assertThat(circuit.permitProbe()).isFalse();
        clock.advanceMillis(1);
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void openWaitWithRandomNearOneIsTheLongest() {
        random = Math.nextDown(1.0);
        Instant openedAt = open();
        clock.advance(Duration.between(now(), openedAt.plusMillis(7499)));
        assertThat(circuit.permitProbe()).isFalse();
        clock.advanceMillis(1);
        assertThat(circuit.permitProbe()).isTrue();
    }

    @Test
    void waitingLongerThanTheWaitAlsoPermits() {
        open();
        clock.advance(Duration.ofMinutes(10));
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void refusedProbesInOpenDoNotChangeTheWindow() {
        open();
        CircuitView before = circuit.view();
        for (int i = 0; i < 10; i++) {
            assertThat(circuit.permitProbe()).isFalse();
            clock.advanceMillis(100);
        }
        assertThat(circuit.view().state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.view().windowProbes()).isEqualTo(before.windowProbes());
        assertThat(circuit.drainTransitions()).isEmpty();
    }

    @Test
    void openWaitBoundsAreThoseOfTheSettings() {
        OpenWait bounds = new OpenWait(DEFAULTS.openWait(), DEFAULTS.openWaitSpread(), () -> random);
        assertThat(bounds.shortest()).isEqualTo(Duration.ofMillis(2500));
        assertThat(bounds.longest()).isEqualTo(Duration.ofMillis(7500));
        random = Math.nextDown(1.0);
        Instant openedAt = open();
        clock.advance(Duration.between(now(), openedAt.plus(bounds.longest()).minusMillis(1)));
        assertThat(circuit.permitProbe()).as("1 ms before the longest wait").isFalse();
        clock.advanceMillis(1);
        assertThat(circuit.permitProbe()).as("at the longest wait").isTrue();
    }

    // ---- HALF_OPEN -------------------------------------------------------------------------

    @Test
    void halfOpenClosesAfterTwoGoodTrials() {
        halfOpen();
        circuit.record(ok(20, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(circuit.drainTransitions()).isEmpty();
        Instant at = now();
        probe(ok(20, now()));

        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        CircuitTransition t = transitions.get(0);
        assertThat(t.from()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(t.to()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.at()).isEqualTo(at);
        assertThat(t.reason()).isEqualTo("none");
        assertThat(t.why()).isEqualTo("trial probes succeeded");
        assertThat(circuit.view().windowProbes()).as("a fresh window after closing").isZero();
        assertThat(circuit.view().failureRate()).isEqualTo(-1f);
    }

    @Test
    void halfOpenReopensOnOneFailedTrial() {
        halfOpen();
        Instant at = now();
        circuit.record(failed(Reason.SERVER_STARTING, "57P03", now()));

        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        CircuitTransition t = transitions.get(0);
        assertThat(t.from()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(t.to()).isEqualTo(CircuitState.OPEN);
        assertThat(t.at()).isEqualTo(at);
        assertThat(t.reason()).isEqualTo("server_starting");
        assertThat(t.why()).isEqualTo("trial probe failed: server_starting");
        assertThat(circuit.view().why()).isEqualTo("trial probe failed: server_starting");
    }

    @Test
    void halfOpenReopensOnOneSlowTrial() {
        halfOpen();
        circuit.record(slow(800, now()));

        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        CircuitTransition t = circuit.drainTransitions().get(0);
        assertThat(t.from()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(t.to()).isEqualTo(CircuitState.OPEN);
        assertThat(t.reason()).isEqualTo("none");
        assertThat(t.why()).isEqualTo("trial probe was slow (800 ms > 500 ms)");
    }

    @Test
    void halfOpenReopensWhenTheLastTrialFails() {
        halfOpen();
        circuit.record(ok(20, now()));
        assertThat(circuit.permitProbe()).isTrue();
        circuit.record(refused());

        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).extracting(CircuitTransition::to).containsExactly(CircuitState.OPEN);
        assertThat(transitions.get(0).why()).isEqualTo("trial probe failed: connect_refused");
    }

    @Test
    void halfOpenReopensWhenTheLastTrialIsSlow() {
        halfOpen();
        circuit.record(ok(20, now()));
        assertThat(circuit.permitProbe()).isTrue();
        circuit.record(slow(800, now()));

        assertThat(circuit.state()).as("one slow trial re-opens, even the last one").isEqualTo(CircuitState.OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).from()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(transitions.get(0).to()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(0).why()).isEqualTo("trial probe was slow (800 ms > 500 ms)");
    }

    @Test
    void halfOpenReopensOnTheLastFailedTrialWhateverTheFailureThreshold() {
        // With a 60 % threshold, 1 failure of 2 trials (50 %) is under the threshold: one bad trial still re-opens.
        circuit = circuit(new CircuitSettings(4, 4, 60f, 75f, Duration.ofSeconds(5), 0.5, 2, Duration.ofMillis(250)));
        good(1);
        probe(refused());
        probe(refused());
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofSeconds(3));
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
        circuit.drainTransitions();
        circuit.record(ok(20, now()));
        assertThat(circuit.permitProbe()).isTrue();
        circuit.record(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::to).containsExactly(CircuitState.OPEN);
    }

    @Test
    void allTrialsMustBeGoodEvenWithASmallerMinimum() {
        // minimum-probes 1 < half-open-probes 3: the rates exist after one trial, yet three good trials close.
        circuit = circuit(new CircuitSettings(4, 1, 50f, 75f, Duration.ofSeconds(5), 0.0, 3, Duration.ofMillis(250)));
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofSeconds(5));
        probe(ok(20, now()));
        probe(ok(20, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
        probe(ok(20, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void halfOpenPermitsOnlyTheTrialProbes() {
        halfOpen(); // one permit already taken
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.permitProbe()).as("only 2 trial probes").isFalse();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void reopenedCircuitDrawsANewWait() {
        halfOpen();
        random = 0.5;
        Instant reopenedAt = now();
        circuit.record(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofMillis(4999));
        assertThat(circuit.permitProbe()).isFalse();
        clock.advanceMillis(1);
        assertThat(now()).isEqualTo(reopenedAt.plusMillis(5000));
        assertThat(circuit.permitProbe()).isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void fullCycleEmitsEveryTransitionInOrder() {
        good(2);
        probe(refused());
        probe(refused());
        clock.advance(Duration.ofSeconds(3));
        probe(ok(20, now()));
        probe(ok(20, now()));
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::from, CircuitTransition::to)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(CircuitState.CLOSED, CircuitState.OPEN),
                        org.assertj.core.groups.Tuple.tuple(CircuitState.OPEN, CircuitState.HALF_OPEN),
                        org.assertj.core.groups.Tuple.tuple(CircuitState.HALF_OPEN, CircuitState.CLOSED));
        assertThat(circuit.drainTransitions()).as("drained").isEmpty();
    }

    @Test
    void singleTrialProbeSettings() {
        circuit = circuit(new CircuitSettings(4, 4, 50f, 75f, Duration.ofSeconds(5), 0.0, 1, Duration.ofMillis(250)));
        Instant openedAt = open();
        clock.advance(Duration.between(now(), openedAt.plusSeconds(5)));
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::why)
                .containsExactly("the open wait elapsed: trial probes start", "trial probe failed: connect_refused");
        clock.advance(Duration.ofSeconds(5));
        probe(ok(20, now()));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::why)
                .containsExactly("the open wait elapsed: trial probes start", "trial probes succeeded");
    }

    // ---- operator overrides ----------------------------------------------------------------

    @Test
    void forceOpen() {
        good(4);
        Instant at = now();
        circuit.forceOpen();
        assertThat(circuit.state()).isEqualTo(CircuitState.FORCED_OPEN);
        List<CircuitTransition> transitions = circuit.drainTransitions();
        assertThat(transitions).hasSize(1);
        CircuitTransition t = transitions.get(0);
        assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.to()).isEqualTo(CircuitState.FORCED_OPEN);
        assertThat(t.at()).isEqualTo(at);
        assertThat(t.reason()).isEqualTo("none");
        assertThat(t.why()).isEqualTo("forced open by an operator");
        assertThat(circuit.view().why()).isEqualTo("forced open by an operator");
        assertThat(circuit.view().since()).isEqualTo(at);

        clock.advance(Duration.ofHours(1));
        assertThat(circuit.permitProbe()).as("forced open refuses probes for good").isFalse();
        assertThat(circuit.state()).isEqualTo(CircuitState.FORCED_OPEN);
    }

    @Test
    void forceOpenTwiceIsOneTransition() {
        circuit.forceOpen();
        circuit.forceOpen();
        assertThat(circuit.drainTransitions()).hasSize(1);
    }

    @Test
    void forceClosedIgnoresFailures() {
        circuit.forceClosed();
        assertThat(circuit.state()).isEqualTo(CircuitState.FORCED_CLOSED);
        CircuitTransition t = circuit.drainTransitions().get(0);
        assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.to()).isEqualTo(CircuitState.FORCED_CLOSED);
        assertThat(t.why()).isEqualTo("forced closed by an operator");
        assertThat(t.reason()).isEqualTo("none");
        for (int i = 0; i < 20; i++) {
            probe(refused());
            probe(slow(900, now()));
        }
        assertThat(circuit.state()).isEqualTo(CircuitState.FORCED_CLOSED);
        assertThat(circuit.drainTransitions()).isEmpty();
    }

    @Test
    void forceClosedWhileOpen() {
        open();
        circuit.forceClosed();
        assertThat(circuit.state()).isEqualTo(CircuitState.FORCED_CLOSED);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::from, CircuitTransition::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CircuitState.OPEN, CircuitState.FORCED_CLOSED));
    }

    @Test
    void switchBetweenForcedStates() {
        circuit.forceClosed();
        circuit.forceOpen();
        circuit.forceClosed();
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::to)
                .containsExactly(CircuitState.FORCED_CLOSED, CircuitState.FORCED_OPEN, CircuitState.FORCED_CLOSED);
    }

    @Test
    void releaseReturnsToClosedWithAnEmptyWindow() {
        good(3);
        probe(refused());
        circuit.forceOpen();
        circuit.drainTransitions();
        Instant at = now();
        circuit.release();

        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        CircuitTransition t = circuit.drainTransitions().get(0);
        assertThat(t.from()).isEqualTo(CircuitState.FORCED_OPEN);
        assertThat(t.to()).isEqualTo(CircuitState.CLOSED);
        assertThat(t.why()).isEqualTo("released by an operator");
        assertThat(t.reason()).isEqualTo("none");
        assertThat(t.at()).isEqualTo(at);
        assertThat(circuit.view().windowProbes()).isZero();
        assertThat(circuit.view().failureRate()).isEqualTo(-1f);
        // probes decide again
        good(2);
        probe(refused());
        probe(refused());
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void releaseFromForcedClosedAndFromOpen() {
        circuit.forceClosed();
        circuit.release();
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::to)
                .containsExactly(CircuitState.FORCED_CLOSED, CircuitState.CLOSED);
        open();
        circuit.release();
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).extracting(CircuitTransition::from).containsExactly(CircuitState.OPEN);
    }

    @Test
    void releaseWhenClosedEmitsNothing() {
        circuit.release();
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.drainTransitions()).isEmpty();
    }

    @Test
    void circuitStateCodes() {
        assertThat(CircuitState.HALF_OPEN.code()).isEqualTo("half_open");
        assertThat(CircuitState.FORCED_CLOSED.code()).isEqualTo("forced_closed");
        assertThat(CircuitState.CLOSED.admitsTraffic()).isTrue();
        assertThat(CircuitState.FORCED_CLOSED.admitsTraffic()).isTrue();
        assertThat(CircuitState.OPEN.admitsTraffic()).isFalse();
        assertThat(CircuitState.HALF_OPEN.admitsTraffic()).isFalse();
        assertThat(CircuitState.FORCED_OPEN.admitsTraffic()).isFalse();
    }
}
