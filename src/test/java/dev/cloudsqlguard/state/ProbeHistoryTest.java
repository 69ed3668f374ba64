package dev.cloudsqlguard.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cloudsqlguard.circuit.CircuitState;
import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeHistoryTest {

    final FakeClock clock = new FakeClock();
    long sequence;

    GuardUpdate update(ProbeResult probe, TargetEvent... events) {
        return new GuardUpdate(new GuardState(FakeClock.START, clock.instant(), ++sequence, Map.of()),
                Optional.ofNullable(probe), List.of(events));
    }

    ProbeResult walk(Reason reason) {
        return Results.failed(reason, clock.instant());
    }

    ProbeResult onSession(long micros) {
        Map<Stage, Duration> latencies = new EnumMap<>(Stage.class);
        latencies.put(Stage.QUERY, Duration.ofNanos(micros * 1_000));
        return new ProbeResult(Results.TARGET, Outcome.OK, Stage.QUERY, Optional.empty(), Optional.empty(), "",
                latencies, Duration.ofNanos(micros * 1_000), clock.instant());
    }

    TargetEvent.Transitioned transition(CircuitState from, CircuitState to) {
        return new TargetEvent.Transitioned(Results.TARGET, new CircuitTransition(Results.TARGET, from, to, clock.instant(),
                "handshake_timeout", "2 of the last 4 probes failed", 50f, 0f));
    }

    @Test
    void keepsEachProbeWithItsStagesOutcomeAndReasonOldestFirst() {
        ProbeHistory history = new ProbeHistory(List.of(Results.TARGET), clock);
        history.record(update(onSession(412)));
        clock.advance(Duration.ofMillis(500));
        history.record(update(walk(Reason.HANDSHAKE_TIMEOUT)));

        ProbeHistory.Reading reading = history.since(0);
        assertThat(reading.sequence()).isEqualTo(2);
        List<ProbeRecord> probes = reading.targets().get(0).probes();
        assertThat(probes).hasSize(2);
        assertThat(probes.get(0).sequence()).isEqualTo(1);
        assertThat(probes.get(0).at()).isEqualTo(FakeClock.START);
        assertThat(probes.get(0).outcome()).isEqualTo(Outcome.OK);
        assertThat(probes.get(0).reason()).isEmpty();
        assertThat(probes.get(0).stages()).containsExactly(Map.entry(Stage.QUERY, Duration.ofNanos(412_000)));
        assertThat(probes.get(0).walked()).isFalse();
        assertThat(probes.get(1).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(probes.get(1).stage()).isEqualTo(Stage.HANDSHAKE);
        assertThat(probes.get(1).reason()).contains(Reason.HANDSHAKE_TIMEOUT);
        assertThat(probes.get(1).stages()).containsOnlyKeys(Stage.SOCKET, Stage.HANDSHAKE);
        assertThat(probes.get(1).walked()).isTrue();
        assertThat(probes.get(1).at()).isEqualTo(FakeClock.START.plusMillis(500));
    }

    @Test
    void aFullRingOverwritesItsOldestEntriesAndNeverGrows() {
        ProbeHistory history = new ProbeHistory(List.of(Results.TARGET), clock, 5, 3);
        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofMillis(100));
            history.record(update(onSession(i), i % 2 == 0 ? transition(CircuitState.CLOSED, CircuitState.OPEN)
                    : transition(CircuitState.OPEN, CircuitState.CLOSED)));
        }
        ProbeHistory.TargetHistory target = history.since(0).targets().get(0);
        assertThat(target.probes()).extracting(ProbeRecord::sequence).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(target.probes()).extracting(p -> p.total().toNanos() / 1_000).containsExactly(7L, 8L, 9L, 10L, 11L);
        assertThat(target.transitions()).extracting(ProbeHistory.Marked::sequence).containsExactly(10L, 11L, 12L);
    }

    @Test
    void afterASequenceOnlyWhatIsNewer() {
        ProbeHistory history = new ProbeHistory(List.of(Results.TARGET), clock);
        history.record(update(onSession(1)));
        history.record(update(walk(Reason.HANDSHAKE_TIMEOUT), transition(CircuitState.CLOSED, CircuitState.OPEN)));
        history.record(update(null, transition(CircuitState.OPEN, CircuitState.HALF_OPEN)));
        history.record(update(onSession(2)));

        ProbeHistory.Reading all = history.since(0);
        assertThat(all.sequence()).isEqualTo(4);
        ProbeHistory.Reading newer = history.since(2);
        assertThat(newer.sequence()).isEqualTo(4);
        assertThat(newer.targets().get(0).probes()).extracting(ProbeRecord::sequence).containsExactly(4L);
        assertThat(newer.targets().get(0).transitions()).extracting(m -> m.transition().to())
                .containsExactly(CircuitState.HALF_OPEN);
        assertThat(history.since(4).targets().get(0).probes()).isEmpty();
        assertThat(history.since(4).targets().get(0).transitions()).isEmpty();
    }

    @Test
    void answersOnlyTheLastFifteenMinutes() {
        ProbeHistory history = new ProbeHistory(List.of(Results.TARGET), clock);
        history.record(update(onSession(1), transition(CircuitState.CLOSED, CircuitState.OPEN)));
        clock.advance(Duration.ofMinutes(10));
        history.record(update(onSession(2)));
        clock.advance(Duration.ofMinutes(6));
        ProbeHistory.TargetHistory target = history.since(0).targets().get(0);
        assertThat(target.probes()).extracting(ProbeRecord::sequence).containsExactly(2L);
        assertThat(target.transitions()).isEmpty();
    }

    @Test
    void ignoresTargetsItWasNotGivenAndKeepsConfigurationOrder() {
        ProbeHistory history = new ProbeHistory(List.of("replica", Results.TARGET), clock);
        history.record(update(onSession(1)));
        ProbeResult stranger = new ProbeResult("stranger", Outcome.OK, Stage.QUERY, Optional.empty(), Optional.empty(),
                "", Map.of(), Duration.ZERO, clock.instant());
        history.record(update(stranger));
        ProbeHistory.Reading reading = history.since(0);
        assertThat(reading.targets()).extracting(ProbeHistory.TargetHistory::name).containsExactly("replica", Results.TARGET);
        assertThat(reading.targets().get(0).probes()).isEmpty();
        assertThat(reading.targets().get(1).probes()).hasSize(1);
        assertThat(reading.sequence()).isEqualTo(1);
    }

    @Test
    void theDocumentNamesEveryFieldOfTheReadmeShape() {
        ProbeHistory history = new ProbeHistory(List.of(Results.TARGET), clock);
        history.record(update(onSession(412)));
        clock.advance(Duration.ofMillis(300));
        history.record(update(walk(Reason.HANDSHAKE_TIMEOUT), transition(CircuitState.CLOSED, CircuitState.OPEN)));
        JsonNode doc = HistoryDocument.of(history.since(0), history.probesPerTarget());

        assertThat(doc.get("sequence").asLong()).isEqualTo(2);
        assertThat(doc.get("at").asText()).isEqualTo(clock.instant().toString());
        assertThat(doc.get("window_seconds").asLong()).isEqualTo(900);
        assertThat(doc.get("probes_per_target").asInt()).isEqualTo(ProbeHistory.PROBES_PER_TARGET);
        JsonNode target = doc.get("targets").get(0);
        assertThat(target.get("name").asText()).isEqualTo(Results.TARGET);
        JsonNode first = target.get("probes").get(0);
        assertThat(first.get("sequence").asLong()).isEqualTo(1);
        assertThat(first.get("at").asText()).isEqualTo(FakeClock.START.toString());
        assertThat(first.get("outcome").asText()).isEqualTo("ok");
        assertThat(first.get("stage").asText()).isEqualTo("query");
        assertThat(first.get("reason").asText()).isEqualTo("none");
        assertThat(first.get("latency_ms").asDouble()).isEqualTo(0.412);
        assertThat(first.get("stages_ms").get("query").asDouble()).isEqualTo(0.412);
        JsonNode failed = target.get("probes").get(1);
        assertThat(failed.get("reason").asText()).isEqualTo("handshake_timeout");
        assertThat(failed.get("stages_ms").fieldNames()).toIterable().containsExactly("socket", "handshake");
        JsonNode transition = target.get("transitions").get(0);
        assertThat(transition.get("sequence").asLong()).isEqualTo(2);
        assertThat(transition.get("from").asText()).isEqualTo("closed");
        assertThat(transition.get("to").asText()).isEqualTo("open");
        assertThat(transition.get("reason").asText()).isEqualTo("handshake_timeout");
        assertThat(transition.get("why").asText()).contains("probes failed");
        assertThat(Instant.parse(transition.get("at").asText())).isEqualTo(clock.instant());
    }
}
