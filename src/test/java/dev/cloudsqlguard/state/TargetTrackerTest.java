package dev.cloudsqlguard.state;

import static dev.cloudsqlguard.testing.Results.failed;
import static dev.cloudsqlguard.testing.Results.ok;
import static dev.cloudsqlguard.testing.Results.slow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.circuit.CircuitState;
import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.circuit.CircuitView;
import dev.cloudsqlguard.circuit.TargetCircuitTest;
import dev.cloudsqlguard.config.CircuitSettings;
import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TargetTrackerTest {

    static final TargetSettings TARGET = new TargetSettings(Results.TARGET, new Endpoint.Tcp("10.0.0.5", 5432),
            "postgres", Optional.empty(), Optional.empty(), Role.ANY, true, TlsSettings.NONE, Optional.empty());
    /** interval 2s, timeout 1s, startup interval 100ms, slow threshold 500ms, headroom warning 10 %. */
    static final ProbeSettings PROBE = new ProbeSettings(Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofMillis(100), Results.SLOW_THRESHOLD, "SELECT 1",
            Duration.ofMinutes(10), 10f);
    static final CircuitSettings CIRCUIT = TargetCircuitTest.DEFAULTS;
    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration STARTUP_INTERVAL = Duration.ofMillis(100);
    static final Duration RECHECK = Duration.ofMillis(250);

    final FakeClock clock = new FakeClock();
    double random = 0.0;
    TargetTracker tracker = tracker(CIRCUIT);

    TargetTracker tracker(CircuitSettings circuit) {
        return new TargetTracker(TARGET, PROBE, circuit, clock, () -> random);
    }

    Instant now() {
        return clock.instant();
    }

    /** One tick: ask, and if permitted record the result; returns every event, in order. */
    List<TargetEvent> tick(ProbeResult result) {
        List<TargetEvent> events = new ArrayList<>();
        TargetTracker.Decision decision = tracker.permitProbe();
        events.addAll(decision.events());
        if (decision.permitted()) {
            events.addAll(tracker.record(result));
        }
        clock.advanceMillis(10);
        return events;
    }

    List<TargetEvent> okTick() {
        return tick(ok(20, now()));
    }

    List<TargetEvent> failTick(Reason reason) {
        return tick(failed(reason, now()));
    }

    void start() {
        assertThat(okTick()).hasSize(1).first().isInstanceOf(TargetEvent.Started.class);
    }

    static List<CircuitTransition> transitions(List<TargetEvent> events) {
        return events.stream().filter(e -> e instanceof TargetEvent.Transitioned)
                .map(e -> ((TargetEvent.Transitioned) e).transition()).toList();
    }

    // ---- before the first success ----------------------------------------------------------

    @Test
    void initialState() {
        TargetState s = tracker.state();
        assertThat(s.name()).isEqualTo("db");
        assertThat(s.endpoint()).isEqualTo("tcp:10.0.0.5:5432");
        assertThat(s.startedAt()).isEmpty();
        assertThat(s.started()).isFalse();
        assertThat(s.ready()).isFalse();
        assertThat(s.lastResult()).isEmpty();
        assertThat(s.lastSuccess()).isEmpty();
        assertThat(s.consecutiveFailures()).isZero();
        assertThat(s.reason()).isEmpty();
        assertThat(s.reasonSince()).isEmpty();
        assertThat(s.probes()).isZero();
        assertThat(s.failures()).isZero();
        assertThat(s.skipped()).isZero();
        assertThat(s.circuit().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(s.misconfigured()).isFalse();
        assertThat(tracker.name()).isEqualTo("db");
        assertThat(tracker.nextDelay()).isEqualTo(STARTUP_INTERVAL);
    }

    @Test
    void beforeTheFirstSuccessTheCircuitIsNotFed() {
        List<TargetEvent> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TargetTracker.Decision d = tracker.permitProbe();
            assertThat(d.permitted()).as("tick %d", i).isTrue();
            assertThat(d.events()).isEmpty();
            all.addAll(tracker.record(failed(Reason.CONNECT_REFUSED, now())));
            clock.advanceMillis(100);
        }
        assertThat(transitions(all)).isEmpty();
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(tracker.state().circuit().windowProbes()).isZero();
        TargetState s = tracker.state();
        assertThat(s.started()).isFalse();
        assertThat(s.probes()).isEqualTo(50);
        assertThat(s.failures()).isEqualTo(50);
        assertThat(s.consecutiveFailures()).isEqualTo(50);
        assertThat(s.skipped()).isZero();
        assertThat(tracker.nextDelay()).isEqualTo(STARTUP_INTERVAL);
    }

    @Test
    void slowProbesBeforeStartDoNotOpenEither() {
        // a slow probe reached the database: it opens the gate
        List<TargetEvent> events = tick(slow(900, now()));
        assertThat(events).hasSize(1).first().isInstanceOf(TargetEvent.Started.class);
        assertThat(tracker.state().started()).isTrue();
    }

    @Test
    void firstSuccessEmitsStartedAndLatches() {
        failTick(Reason.SOCKET_MISSING);
        failTick(Reason.SOCKET_MISSING);
        ProbeResult first = ok(30, now());
        List<TargetEvent> events = tick(first);

        assertThat(events).hasSize(1);
        TargetEvent.Started started = (TargetEvent.Started) events.get(0);
        assertThat(started.target()).isEqualTo("db");
        assertThat(started.at()).isEqualTo(first.at());
        assertThat(started.result()).isEqualTo(first);
        assertThat(events).noneMatch(e -> e instanceof TargetEvent.Recovered);

        TargetState s = tracker.state();
        assertThat(s.startedAt()).contains(first.at());
        assertThat(s.started()).isTrue();
        assertThat(s.ready()).isTrue();
        assertThat(s.lastSuccess()).contains(first.at());
        assertThat(s.consecutiveFailures()).isZero();
        assertThat(s.reason()).isEmpty();
        assertThat(tracker.state().circuit().windowProbes()).as("the gate's probe is not in the window").isZero();

        // later failures never un-start, and later successes never start again
        List<TargetEvent> later = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            later.addAll(failTick(Reason.CONNECT_TIMEOUT));
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            later.addAll(okTick());
        }
        assertThat(later).noneMatch(e -> e instanceof TargetEvent.Started);
        assertThat(tracker.state().startedAt()).contains(first.at());
        assertThat(tracker.state().started()).isTrue();
    }

    @Test
    void afterStartFailuresFeedTheCircuit() {
        start();
        okTick();
        okTick();
        failTick(Reason.CONNECT_REFUSED);
        List<TargetEvent> events = failTick(Reason.CONNECT_REFUSED);
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.OPEN);
        List<CircuitTransition> t = transitions(events);
        assertThat(t).hasSize(1);
        assertThat(t.get(0).to()).isEqualTo(CircuitState.OPEN);
        assertThat(tracker.state().ready()).isFalse();
        assertThat(tracker.state().started()).isTrue();
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.OPEN);
    }

    // ---- events ----------------------------------------------------------------------------

    @Test
    void reasonChangedOnlyWhenTheReasonChanges() {
        start();
        List<TargetEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.addAll(tracker.record(failed(Reason.CONNECT_REFUSED, now())));
            clock.advanceMillis(10);
        }
        List<TargetEvent.ReasonChanged> changes = events.stream().filter(e -> e instanceof TargetEvent.ReasonChanged)
                .map(e -> (TargetEvent.ReasonChanged) e).toList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).from()).isEmpty();
        assertThat(changes.get(0).to()).isEqualTo(Reason.CONNECT_REFUSED);
        assertThat(changes.get(0).target()).isEqualTo("db");

        ProbeResult other = failed(Reason.SERVER_STARTING, "57P03", now());
        List<TargetEvent> next = tracker.record(other);
        assertThat(next).filteredOn(e -> e instanceof TargetEvent.ReasonChanged).singleElement().satisfies(e -> {
            TargetEvent.ReasonChanged c = (TargetEvent.ReasonChanged) e;
            assertThat(c.from()).contains(Reason.CONNECT_REFUSED);
            assertThat(c.to()).isEqualTo(Reason.SERVER_STARTING);
            assertThat(c.result()).isEqualTo(other);
        });
        assertThat(tracker.record(failed(Reason.SERVER_STARTING, now()))).noneMatch(e -> e instanceof TargetEvent.ReasonChanged);
    }

    @Test
    void reasonChangedBeforeStartToo() {
        List<TargetEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.addAll(failTick(Reason.SOCKET_MISSING));
        }
        events.addAll(failTick(Reason.CONNECT_REFUSED));
        assertThat(events).hasSize(2).allMatch(e -> e instanceof TargetEvent.ReasonChanged);
    }

    @Test
    void reasonStartsAgainFromNoneAfterASuccess() {
        start();
        failTick(Reason.IO_ERROR);
        okTick();
        List<TargetEvent> events = failTick(Reason.IO_ERROR);
        assertThat(events).filteredOn(e -> e instanceof TargetEvent.ReasonChanged).singleElement()
                .satisfies(e -> assertThat(((TargetEvent.ReasonChanged) e).from()).isEmpty());
    }

    @Test
    void recoveredAfterAStreakWithTheCount() {
        // a wide window so that the streak does not open the circuit
        tracker = tracker(new CircuitSettings(20, 20, 50f, 75f, Duration.ofSeconds(5), 0.5, 2, RECHECK));
        start();
        failTick(Reason.CONNECT_TIMEOUT);
        failTick(Reason.CONNECT_TIMEOUT);
        failTick(Reason.HANDSHAKE_TIMEOUT);
        ProbeResult good = ok(25, now());
        List<TargetEvent> events = tick(good);

        assertThat(events).hasSize(1);
        TargetEvent.Recovered r = (TargetEvent.Recovered) events.get(0);
        assertThat(r.target()).isEqualTo("db");
        assertThat(r.failedProbes()).isEqualTo(3);
        assertThat(r.lastReason()).contains(Reason.HANDSHAKE_TIMEOUT);
        assertThat(r.result()).isEqualTo(good);

        assertThat(okTick()).as("no second Recovered").isEmpty();
    }

    @Test
    void slowProbeAlsoEndsAStreak() {
        start();
        failTick(Reason.IO_ERROR);
        List<TargetEvent> events = tick(slow(700, now()));
        assertThat(events).filteredOn(e -> e instanceof TargetEvent.Recovered).singleElement()
                .satisfies(e -> assertThat(((TargetEvent.Recovered) e).failedProbes()).isEqualTo(1));
    }

    @Test
    void goodProbesProduceNoEvents() {
        start();
        for (int i = 0; i < 20; i++) {
            assertThat(okTick()).isEmpty();
        }
    }

    // ---- counters and reason ---------------------------------------------------------------

    @Test
    void countersAndReasonSince() {
        start();
        Instant firstFailure = now();
        failTick(Reason.CONNECT_REFUSED);
        failTick(Reason.CONNECT_REFUSED);
        TargetState s = tracker.state();
        assertThat(s.consecutiveFailures()).isEqualTo(2);
        assertThat(s.reason()).contains(Reason.CONNECT_REFUSED);
        assertThat(s.reasonSince()).contains(firstFailure);
        assertThat(s.probes()).isEqualTo(3);
        assertThat(s.failures()).isEqualTo(2);
        assertThat(s.lastResult()).hasValueSatisfying(r -> assertThat(r.reason()).contains(Reason.CONNECT_REFUSED));
        assertThat(s.lastSuccess()).contains(FakeClock.START);

        Instant changed = now();
        tracker.record(failed(Reason.AUTH_FAILED, "28P01", changed));
        s = tracker.state();
        assertThat(s.reason()).contains(Reason.AUTH_FAILED);
        assertThat(s.reasonSince()).contains(changed);
        assertThat(s.consecutiveFailures()).isEqualTo(3);
        assertThat(s.misconfigured()).isTrue();

        clock.advanceMillis(10);
        tracker.record(ok(10, now()));
        s = tracker.state();
        assertThat(s.consecutiveFailures()).isZero();
        assertThat(s.reason()).isEmpty();
        assertThat(s.reasonSince()).isEmpty();
        assertThat(s.misconfigured()).isFalse();
        assertThat(s.failures()).as("failures since boot are kept").isEqualTo(3);
        assertThat(s.probes()).isEqualTo(5);
        assertThat(s.lastSuccess()).contains(now());
    }

    @Test
    void skippedCountsTheSlotsTheOpenCircuitRefused() {
        random = 0.0; // open wait 2.5 s
        start();
        okTick();
        okTick();
        failTick(Reason.CONNECT_REFUSED);
        failTick(Reason.CONNECT_REFUSED);
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.OPEN);
        long probes = tracker.state().probes();
        for (int i = 0; i < 5; i++) {
            TargetTracker.Decision d = tracker.permitProbe();
            assertThat(d.permitted()).isFalse();
            assertThat(d.events()).isEmpty();
            clock.advanceMillis(250);
        }
        TargetState s = tracker.state();
        assertThat(s.skipped()).isEqualTo(5);
        assertThat(s.probes()).as("skipped slots are not probes").isEqualTo(probes);

        clock.advance(Duration.ofSeconds(2));
        TargetTracker.Decision d = tracker.permitProbe();
        assertThat(d.permitted()).isTrue();
        assertThat(transitions(d.events())).extracting(CircuitTransition::to).containsExactly(CircuitState.HALF_OPEN);
        assertThat(tracker.state().skipped()).isEqualTo(5);
    }

    // ---- pacing ----------------------------------------------------------------------------

    @Test
    void nextDelayFollowsTheState() {
        assertThat(tracker.nextDelay()).as("before any probe").isEqualTo(STARTUP_INTERVAL);
        failTick(Reason.SOCKET_MISSING);
        assertThat(tracker.nextDelay()).as("before start, after a failure").isEqualTo(STARTUP_INTERVAL);

        start();
        assertThat(tracker.nextDelay()).as("healthy").isEqualTo(INTERVAL);
        tick(slow(900, now()));
        assertThat(tracker.nextDelay()).as("after a slow probe").isEqualTo(RECHECK);
        okTick();
        assertThat(tracker.nextDelay()).isEqualTo(INTERVAL);
        failTick(Reason.CONNECT_REFUSED);
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(tracker.nextDelay()).as("closed, after a failure").isEqualTo(RECHECK);
        failTick(Reason.CONNECT_REFUSED);
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.OPEN);
        assertThat(tracker.nextDelay()).as("open").isEqualTo(RECHECK);

        clock.advance(Duration.ofSeconds(10));
        okTick();
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(tracker.nextDelay()).as("half open, even after a good trial").isEqualTo(RECHECK);
        okTick();
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.CLOSED);
        assertThat(tracker.nextDelay()).isEqualTo(INTERVAL);

        tracker.forceOpen();
        assertThat(tracker.nextDelay()).as("forced open").isEqualTo(INTERVAL);
        tracker.forceClosed();
        failTick(Reason.CONNECT_REFUSED);
        assertThat(tracker.nextDelay()).as("forced closed, even after a failure").isEqualTo(INTERVAL);
    }

    // ---- operator actions ------------------------------------------------------------------

    @Test
    void operatorActionsReturnTheirTransitions() {
        start();
        List<TargetEvent> opened = tracker.forceOpen();
        assertThat(opened).singleElement().isInstanceOfSatisfying(TargetEvent.Transitioned.class, e -> {
            assertThat(e.target()).isEqualTo("db");
            assertThat(e.transition().to()).isEqualTo(CircuitState.FORCED_OPEN);
            assertThat(e.transition().why()).isEqualTo("forced open by an operator");
        });
        assertThat(tracker.state().ready()).isFalse();
        TargetTracker.Decision refused = tracker.permitProbe();
        assertThat(refused.permitted()).isFalse();
        assertThat(tracker.state().skipped()).isEqualTo(1);

        assertThat(transitions(tracker.forceClosed())).extracting(CircuitTransition::to).containsExactly(CircuitState.FORCED_CLOSED);
        assertThat(tracker.state().ready()).isTrue();
        assertThat(transitions(tracker.release())).extracting(CircuitTransition::to).containsExactly(CircuitState.CLOSED);
        assertThat(tracker.release()).isEmpty();
    }

    @Test
    void forcedClosedBeforeStartIsStillNotReady() {
        tracker.forceClosed();
        assertThat(tracker.state().circuit().state()).isEqualTo(CircuitState.FORCED_CLOSED);
        assertThat(tracker.state().ready()).as("the gate has not opened").isFalse();
    }

    // ---- TargetState and GuardState --------------------------------------------------------

    static TargetState state(String name, boolean started, CircuitState circuit) {
        return state(name, true, started, circuit);
    }

    static TargetState state(String name, boolean required, boolean started, CircuitState circuit) {
        return new TargetState(name, "tcp:h:5432", required, started ? Optional.of(FakeClock.START) : Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(), 0, 0, 0,
                new CircuitView(circuit, FakeClock.START, "", -1, -1, 0), Optional.empty(), Optional.empty(), false,
                RecentProbes.Summary.NONE);
    }

    @Test
    void targetStateReadiness() {
        for (CircuitState c : CircuitState.values()) {
            assertThat(state("a", false, c).ready()).as("not started, %s", c).isFalse();
            assertThat(state("a", true, c).ready()).as("started, %s", c).isEqualTo(c == CircuitState.CLOSED || c == CircuitState.FORCED_CLOSED);
        }
    }

    @Test
    void guardStateWithoutTargetsIsNeitherStartedNorReady() {
        GuardState g = GuardState.initial(FakeClock.START);
        assertThat(g.started()).isFalse();
        assertThat(g.ready()).isFalse();
        assertThat(g.targets()).isEmpty();
        assertThat(g.sequence()).isZero();
        assertThat(g.bootedAt()).isEqualTo(FakeClock.START);
        assertThat(g.heartbeat()).isEqualTo(FakeClock.START);
    }

    @Test
    void guardStateStartedAndReady() {
        GuardState g = GuardState.initial(FakeClock.START)
                .with(state("a", true, CircuitState.CLOSED), FakeClock.START.plusSeconds(1));
        assertThat(g.started()).isTrue();
        assertThat(g.ready()).isTrue();
        assertThat(g.sequence()).isEqualTo(1);
        assertThat(g.heartbeat()).isEqualTo(FakeClock.START.plusSeconds(1));

        GuardState two = g.with(state("b", false, CircuitState.CLOSED), FakeClock.START.plusSeconds(2));
        assertThat(two.started()).as("every target must have started").isFalse();
        assertThat(two.ready()).isFalse();
        assertThat(two.targets().keySet()).containsExactly("a", "b");

        GuardState bOpen = two.with(state("b", true, CircuitState.OPEN), FakeClock.START.plusSeconds(3));
        assertThat(bOpen.started()).isTrue();
        assertThat(bOpen.ready()).isFalse();
        assertThat(bOpen.targets().keySet()).as("replacing keeps the order").containsExactly("a", "b");
        assertThat(bOpen.sequence()).isEqualTo(3);

        GuardState bForced = bOpen.with(state("b", true, CircuitState.FORCED_CLOSED), FakeClock.START.plusSeconds(4));
        assertThat(bForced.ready()).isTrue();
    }

    @Test
    void anOptionalTargetNeverGates() {
        GuardState g = GuardState.initial(FakeClock.START)
                .with(state("main", true, true, CircuitState.CLOSED), FakeClock.START)
                .with(state("reports", false, false, CircuitState.OPEN), FakeClock.START);
        assertThat(g.started()).isTrue();
        assertThat(g.ready()).isTrue();
        GuardState mainOpen = g.with(state("main", true, true, CircuitState.OPEN), FakeClock.START);
        assertThat(mainOpen.ready()).isFalse();
        GuardState onlyOptional = GuardState.initial(FakeClock.START)
                .with(state("reports", false, true, CircuitState.CLOSED), FakeClock.START);
        assertThat(onlyOptional.started()).as("nothing required: nothing gates open").isFalse();
    }

    @Test
    void guardStateHeartbeatDoesNotBumpTheSequence() {
        GuardState g = GuardState.initial(FakeClock.START).with(state("a", true, CircuitState.CLOSED), FakeClock.START);
        GuardState beat = g.withHeartbeat(FakeClock.START.plusSeconds(9));
        assertThat(beat.sequence()).isEqualTo(g.sequence());
        assertThat(beat.heartbeat()).isEqualTo(FakeClock.START.plusSeconds(9));
        assertThat(beat.targets()).isEqualTo(g.targets());
    }

    @Test
    void guardStateIsImmutable() {
        java.util.Map<String, TargetState> source = new java.util.LinkedHashMap<>();
        source.put("a", state("a", true, CircuitState.CLOSED));
        GuardState g = new GuardState(FakeClock.START, FakeClock.START, 0, source);
        source.clear();
        assertThat(g.targets()).containsOnlyKeys("a");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.targets().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void trackerStateFeedsGuardState() {
        GuardState g = GuardState.initial(FakeClock.START).with(tracker.state(), now());
        assertThat(g.started()).isFalse();
        assertThat(g.ready()).isFalse();
        start();
        g = g.with(tracker.state(), now());
        assertThat(g.started()).isTrue();
        assertThat(g.ready()).isTrue();
    }
}
