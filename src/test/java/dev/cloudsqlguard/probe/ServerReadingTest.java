package dev.cloudsqlguard.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudsqlguard.config.Role;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerReadingTest {

    static ServerReading primary(int used, int limit) {
        return new ServerReading(used, limit, false, false, Optional.empty(), "15.20");
    }

    static ServerReading replica(Duration lag) {
        return new ServerReading(3, 97, true, true, Optional.ofNullable(lag), "15.20");
    }

    @Test
    void headroomIsTheFreeSlotsAgainstThePercentageOfTheUsableLimit() {
        assertThat(primary(90, 100).headroomBelow(10f)).as("10 free of 100 is not under 10 %").isFalse();
        assertThat(primary(91, 100).headroomBelow(10f)).as("9 free").isTrue();
        assertThat(primary(17, 18).headroomBelow(10f)).as("1 free of 18 = 5.6 %").isTrue();
        assertThat(primary(16, 18).headroomBelow(10f)).as("2 free of 18 = 11.1 %").isFalse();
        assertThat(primary(0, 0).headroomBelow(10f)).as("no usable slot at all").isTrue();
    }

    @Test
    void aSuperuserBeyondTheLimitLeavesNoFreeSlotNotANegativeOne() {
        ServerReading r = primary(20, 18);
        assertThat(r.freeConnections()).isZero();
        assertThat(r.connectionsExhausted()).isTrue();
        assertThat(primary(17, 18).connectionsExhausted()).isFalse();
    }

    @Test
    void aRequiredPrimaryRefusesAReadOnlyServer() {
        Optional<Failure> f = replica(Duration.ZERO).refusal(Role.PRIMARY, Optional.empty());
        assertThat(f).map(Failure::reason).contains(Reason.READ_ONLY);
        assertThat(f.get().sqlState()).contains("25006");
        assertThat(new ServerReading(1, 10, false, true, Optional.empty(), "15.20").refusal(Role.PRIMARY, Optional.empty()))
                .as("default_transaction_read_only on a primary").map(Failure::reason).contains(Reason.READ_ONLY);
        assertThat(primary(1, 10).refusal(Role.PRIMARY, Optional.empty())).isEmpty();
    }

    @Test
    void aRequiredReplicaRefusesAServerNotInRecovery() {
        assertThat(primary(1, 10).refusal(Role.REPLICA, Optional.empty())).map(Failure::reason)
                .contains(Reason.NOT_A_REPLICA);
        assertThat(replica(Duration.ZERO).refusal(Role.REPLICA, Optional.empty())).isEmpty();
        assertThat(replica(null).refusal(Role.ANY, Optional.empty())).isEmpty();
    }

    @Test
    void aReplicaLaggingBeyondItsBoundIsReplicaLagging() {
        Optional<Duration> bound = Optional.of(Duration.ofSeconds(5));
        assertThat(replica(Duration.ofSeconds(5)).refusal(Role.REPLICA, bound)).as("at the bound").isEmpty();
        Optional<Failure> f = replica(Duration.ofMillis(5001)).refusal(Role.ANY, bound);
        assertThat(f).map(Failure::reason).contains(Reason.REPLICA_LAGGING);
        assertThat(f.get().detail()).contains("5.0 s behind", "max-replication-lag (5.0 s)");
        assertThat(replica(Duration.ofHours(1)).refusal(Role.REPLICA, Optional.empty())).as("no bound").isEmpty();
        assertThat(replica(null).refusal(Role.REPLICA, bound)).as("nothing replayed yet: no figure").isEmpty();
        assertThat(primary(1, 10).refusal(Role.ANY, bound)).as("a primary never lags").isEmpty();
    }

    @Test
    void theRoleIsJudgedBeforeTheLag() {
        assertThat(replica(Duration.ofHours(1)).refusal(Role.PRIMARY, Optional.of(Duration.ofSeconds(1))))
                .map(Failure::reason).contains(Reason.READ_ONLY);
    }

    @Test
    void checksItsOwnRules() {
        assertThatThrownBy(() -> primary(-1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerReading(1, 10, false, false, Optional.of(Duration.ZERO), "15.20"))
                .as("a primary has no lag").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> replica(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
