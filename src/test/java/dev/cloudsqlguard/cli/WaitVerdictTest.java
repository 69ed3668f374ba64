package dev.cloudsqlguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaitVerdictTest {

    private static final Set<Reason> SERVER_REFUSALS = EnumSet.of(Reason.SERVER_STARTING, Reason.SERVER_SHUTTING_DOWN,
            Reason.TOO_MANY_CONNECTIONS, Reason.AUTH_FAILED, Reason.DATABASE_MISSING, Reason.READ_ONLY, Reason.NOT_A_REPLICA,
            Reason.REPLICA_LAGGING, Reason.QUERY_FAILED, Reason.TLS_REQUIRED, Reason.TLS_UNAVAILABLE, Reason.TLS_FAILED);

    private static ProbeResult result(Outcome outcome, Reason reason) {
        return new ProbeResult("t", outcome, reason == null ? Stage.QUERY : reason.usualStage(),
                Optional.ofNullable(reason), Optional.empty(), "", Map.of(), Duration.ofMillis(3), Instant.EPOCH);
    }

    @Test
    void readyWhenTheLastProbeReachedTheDatabase() {
        assertThat(WaitVerdict.exitCode(Optional.of(result(Outcome.OK, null)))).isEqualTo(0);
        assertThat(WaitVerdict.exitCode(Optional.of(result(Outcome.SLOW, null)))).isEqualTo(0);
    }

    @Test
    void everyReasonMapsToRejectingOrNoResponseLikePgIsready() {
        for (Reason reason : Reason.values()) {
            int expected = SERVER_REFUSALS.contains(reason) ? 1 : 2;
            assertThat(WaitVerdict.exitCode(Optional.of(result(Outcome.FAILED, reason)))).as(reason.code()).isEqualTo(expected);
        }
    }

    @Test
    void noProbeAtAllIsNoResponse() {
        assertThat(WaitVerdict.exitCode(Optional.empty())).isEqualTo(2);
    }

    @Test
    void describesEachCode() {
        assertThat(WaitVerdict.describe(0)).isEqualTo("ready");
        assertThat(WaitVerdict.describe(1)).contains("rejecting");
        assertThat(WaitVerdict.describe(2)).isEqualTo("no response");
        assertThat(WaitVerdict.describe(3)).contains("configuration");
    }
}
