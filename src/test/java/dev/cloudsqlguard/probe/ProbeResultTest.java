package dev.cloudsqlguard.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeResultTest {

    private static final Instant AT = FakeClock.START;

    private static ProbeResult result(Outcome outcome, Optional<Reason> reason) {
        return new ProbeResult("db", outcome, Stage.HANDSHAKE, reason, Optional.empty(), "d", Map.of(),
                Duration.ofMillis(1), AT);
    }

    @Test
    void failedNeedsAReason() {
        assertThatThrownBy(() -> result(Outcome.FAILED, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a reason");
    }

    @Test
    void successHasNoReason() {
        assertThatThrownBy(() -> result(Outcome.OK, Optional.of(Reason.IO_ERROR)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no failure reason");
        assertThatThrownBy(() -> result(Outcome.SLOW, Optional.of(Reason.IO_ERROR)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validCombinations() {
        assertThat(result(Outcome.OK, Optional.empty()).reasonCode()).isEqualTo("none");
        assertThat(result(Outcome.SLOW, Optional.empty()).reasonCode()).isEqualTo("none");
        assertThat(result(Outcome.FAILED, Optional.of(Reason.TOO_MANY_CONNECTIONS)).reasonCode())
                .isEqualTo("too_many_connections");
    }

    @Test
    void succeededMeansReachedTheDatabase() {
        assertThat(result(Outcome.OK, Optional.empty()).succeeded()).isTrue();
        assertThat(result(Outcome.SLOW, Optional.empty()).succeeded()).isTrue();
        assertThat(result(Outcome.FAILED, Optional.of(Reason.IO_ERROR)).succeeded()).isFalse();
    }

    @Test
    void requiredFieldsAreChecked() {
        Map<Stage, Duration> none = Map.of();
        Duration d = Duration.ZERO;
        Optional<Reason> noReason = Optional.empty();
        Optional<String> noState = Optional.empty();
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult(null, Outcome.OK, Stage.SOCKET, noReason, noState, "", none, d, AT))
                .withMessage("target");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", null, Stage.SOCKET, noReason, noState, "", none, d, AT))
                .withMessage("outcome");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", Outcome.OK, null, noReason, noState, "", none, d, AT))
                .withMessage("stage");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", Outcome.OK, Stage.SOCKET, null, noState, "", none, d, AT))
                .withMessage("reason");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", Outcome.OK, Stage.SOCKET, noReason, null, "", none, d, AT))
                .withMessage("sqlState");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", Outcome.OK, Stage.SOCKET, noReason, noState, "", none, null, AT))
                .withMessage("total");
        assertThatNullPointerException().isThrownBy(() -> new ProbeResult("db", Outcome.OK, Stage.SOCKET, noReason, noState, "", none, d, null))
                .withMessage("at");
    }

    @Test
    void nullDetailBecomesEmpty() {
        ProbeResult r = new ProbeResult("db", Outcome.OK, Stage.SOCKET, Optional.empty(), Optional.empty(), null,
                Map.of(), Duration.ZERO, AT);
        assertThat(r.detail()).isEmpty();
    }

    @Test
    void latenciesAreCopiedUnmodifiableAndInStageOrder() {
        Map<Stage, Duration> source = new LinkedHashMap<>();
        source.put(Stage.QUERY, Duration.ofMillis(4));
        source.put(Stage.SOCKET, Duration.ofMillis(1));
        source.put(Stage.HANDSHAKE, Duration.ofMillis(3));
        source.put(Stage.CONNECT, Duration.ofMillis(2));
        ProbeResult r = new ProbeResult("db", Outcome.OK, Stage.QUERY, Optional.empty(), Optional.empty(), "",
                source, Duration.ofMillis(10), AT);
        source.clear();
        assertThat(r.latencies().keySet()).containsExactly(Stage.SOCKET, Stage.CONNECT, Stage.HANDSHAKE, Stage.QUERY);
        assertThatThrownBy(() -> r.latencies().put(Stage.SOCKET, Duration.ZERO))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.latencies().get(Stage.QUERY)).isEqualTo(Duration.ofMillis(4));
    }

    @Test
    void equalValuesAreEqual() {
        Map<Stage, Duration> a = new EnumMap<>(Stage.class);
        a.put(Stage.SOCKET, Duration.ofMillis(1));
        Map<Stage, Duration> b = new HashMap<>(a);
        ProbeResult x = new ProbeResult("db", Outcome.OK, Stage.SOCKET, Optional.empty(), Optional.empty(), "", a, Duration.ofMillis(1), AT);
        ProbeResult y = new ProbeResult("db", Outcome.OK, Stage.SOCKET, Optional.empty(), Optional.empty(), null, b, Duration.ofMillis(1), AT);
        assertThat(x).isEqualTo(y).hasSameHashCodeAs(y);
    }

    @Test
    void fixtureResultsAreWellFormed() {
        assertThat(Results.ok(10, AT).outcome()).isEqualTo(Outcome.OK);
        assertThat(Results.slow(800, AT).total()).isEqualTo(Duration.ofMillis(800));
        ProbeResult failed = Results.failed(Reason.CONNECT_REFUSED, AT);
        assertThat(failed.stage()).isEqualTo(Stage.CONNECT);
        assertThat(failed.reasonCode()).isEqualTo("connect_refused");
        assertThat(Results.failed(Reason.AUTH_FAILED, "28P01", AT).sqlState()).contains("28P01");
    }
}
