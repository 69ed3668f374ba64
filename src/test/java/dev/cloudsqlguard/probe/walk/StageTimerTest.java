package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.probe.Failure;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StageTimerTest {

    private static final Duration SLOW = Duration.ofMillis(500);

    private final FakeClock clock = new FakeClock();

    private StageTimer recorder() {
        return new StageTimer("db", SLOW, clock, clock.nanoTime());
    }

    @Test
    void recordsEachStageLatencyAndTheTotal() {
        StageTimer r = recorder();
        clock.advance(Duration.ofNanos(300)); // before the first stage: counts in the total only
        r.begin(Stage.SOCKET);
        clock.advance(Duration.ofMillis(1));
        r.begin(Stage.CONNECT);
        clock.advance(Duration.ofMillis(20));
        r.begin(Stage.HANDSHAKE);
        clock.advance(Duration.ofMillis(30));
        r.begin(Stage.QUERY);
        clock.advance(Duration.ofMillis(40));

        ProbeResult result = r.succeeded("1 row");

        assertThat(result.target()).isEqualTo("db");
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.stage()).isEqualTo(Stage.QUERY);
        assertThat(result.reason()).isEmpty();
        assertThat(result.sqlState()).isEmpty();
        assertThat(result.detail()).isEqualTo("1 row");
        assertThat(result.latencies()).containsExactly(
                entry(Stage.SOCKET, Duration.ofMillis(1)),
                entry(Stage.CONNECT, Duration.ofMillis(20)),
                entry(Stage.HANDSHAKE, Duration.ofMillis(30)),
                entry(Stage.QUERY, Duration.ofMillis(40)));
        assertThat(result.total()).isEqualTo(Duration.ofMillis(91).plusNanos(300));
        assertThat(result.at()).isEqualTo(clock.instant());
        assertThat(result.reasonCode()).isEqualTo("none");
        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void handshakeOnlyProbeEndsAtTheHandshake() {
        StageTimer r = recorder();
        r.begin(Stage.SOCKET);
        r.begin(Stage.CONNECT);
        clock.advanceMillis(2);
        r.begin(Stage.HANDSHAKE);
        clock.advanceMillis(3);
        assertThat(r.stage()).isEqualTo(Stage.HANDSHAKE);
        ProbeResult result = r.succeeded("accepted");
        assertThat(result.stage()).isEqualTo(Stage.HANDSHAKE);
        assertThat(result.latencies()).containsOnlyKeys(Stage.SOCKET, Stage.CONNECT, Stage.HANDSHAKE);
        assertThat(result.latencies().get(Stage.SOCKET)).isZero();
        assertThat(result.total()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void totalEqualToTheSlowThresholdIsOk() {
        StageTimer r = recorder();
        r.begin(Stage.SOCKET);
        clock.advance(SLOW);
        ProbeResult result = r.succeeded("");
        assertThat(result.total()).isEqualTo(SLOW);
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void totalAboveTheSlowThresholdIsSlow() {
        StageTimer r = recorder();
        r.begin(Stage.SOCKET);
        clock.advance(SLOW.plusNanos(1));
        ProbeResult result = r.succeeded("");
        assertThat(result.outcome()).isEqualTo(Outcome.SLOW);
        assertThat(result.reason()).isEmpty();
        assertThat(result.reasonCode()).isEqualTo("none");
        assertThat(result.succeeded()).as("a slow probe still reached the database").isTrue();
    }

    @Test
    void slownessCountsTimeBeforeTheFirstStage() {
        StageTimer r = recorder();
        clock.advanceMillis(400);
        r.begin(Stage.SOCKET);
        clock.advanceMillis(101);
        assertThat(r.succeeded("").outcome()).isEqualTo(Outcome.SLOW);
    }

    @Test
    void failedResultKeepsTheFailingStage() {
        StageTimer r = recorder();
        r.begin(Stage.SOCKET);
        clock.advanceMillis(1);
        r.begin(Stage.CONNECT);
        clock.advanceMillis(2);
        r.begin(Stage.HANDSHAKE);
        clock.advanceMillis(1000);

        ProbeResult result = r.failed(Failure.of(Reason.HANDSHAKE_TIMEOUT, null, "no answer within 1s"));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.stage()).isEqualTo(Stage.HANDSHAKE);
        assertThat(result.reason()).contains(Reason.HANDSHAKE_TIMEOUT);
        assertThat(result.reasonCode()).isEqualTo("handshake_timeout");
        assertThat(result.sqlState()).isEmpty();
        assertThat(result.detail()).isEqualTo("no answer within 1s");
        assertThat(result.latencies()).containsExactly(
                entry(Stage.SOCKET, Duration.ofMillis(1)),
                entry(Stage.CONNECT, Duration.ofMillis(2)),
                entry(Stage.HANDSHAKE, Duration.ofMillis(1000)));
        assertThat(result.total()).isEqualTo(Duration.ofMillis(1003));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.at()).isEqualTo(clock.instant());
    }

    @Test
    void failedResultKeepsTheSqlState() {
        StageTimer r = recorder();
        r.begin(Stage.QUERY);
        ProbeResult result = r.failed(Failure.of(Reason.AUTH_FAILED, "28P01", "password authentication failed"));
        assertThat(result.stage()).isEqualTo(Stage.QUERY);
        assertThat(result.sqlState()).contains("28P01");
    }

    @Test
    void failedResultIsNeverSlowHoweverLongItTook() {
        StageTimer r = recorder();
        r.begin(Stage.CONNECT);
        clock.advance(Duration.ofSeconds(10));
        assertThat(r.failed(Failure.of(Reason.CONNECT_TIMEOUT, null, "")).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void failureBeforeAnyStageUsesTheReasonsUsualStage() {
        StageTimer r = recorder();
        assertThat(r.stage()).isNull();
        ProbeResult result = r.failed(Failure.of(Reason.DNS_FAILED, null, "unknown host"));
        assertThat(result.stage()).isEqualTo(Stage.SOCKET);
        assertThat(result.latencies()).isEmpty();
    }

    @Test
    void reenteringAStageKeepsItsFirstLatency() {
        StageTimer r = recorder();
        r.begin(Stage.CONNECT);
        clock.advanceMillis(5);
        r.begin(Stage.CONNECT);
        clock.advanceMillis(7);
        ProbeResult result = r.failed(Failure.of(Reason.IO_ERROR, null, ""));
        assertThat(result.latencies()).containsExactly(entry(Stage.CONNECT, Duration.ofMillis(5)));
        assertThat(result.total()).isEqualTo(Duration.ofMillis(12));
    }

    @Test
    void wallClockJumpsDoNotAffectLatencies() {
        StageTimer r = recorder();
        r.begin(Stage.SOCKET);
        clock.advanceMillis(3);
        ProbeResult result = r.succeeded("");
        assertThat(result.total()).isEqualTo(Duration.ofMillis(3));
        assertThat(result.at()).isEqualTo(FakeClock.START.plusMillis(3));
    }

    private static <K, V> java.util.Map.Entry<K, V> entry(K k, V v) {
        return java.util.Map.entry(k, v);
    }
}
