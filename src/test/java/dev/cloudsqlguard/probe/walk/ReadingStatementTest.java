package dev.cloudsqlguard.probe.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cloudsqlguard.probe.ServerReading;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadingStatementTest {

    @Test
    void theReadingFollowsTheProbeQueryInOneMessage() {
        assertThat(ReadingStatement.after("SELECT 1")).isEqualTo("SELECT 1;\n" + ReadingStatement.SQL);
        assertThat(ReadingStatement.after("  SELECT 1 ; ;\n")).as("trailing semicolons and blanks")
                .isEqualTo("SELECT 1;\n" + ReadingStatement.SQL);
        assertThat(ReadingStatement.SQL).doesNotContain(";");
    }

    @Test
    void aReplicasLagIsKeptAndAPrimaryHasNone() {
        ServerReading replica = ReadingStatement.parse(4, 97, true, true, 1.25, "15.20");
        assertThat(replica.replicationLag()).contains(Duration.ofMillis(1250));
        assertThat(replica.connectionsUsed()).isEqualTo(4);
        assertThat(replica.connectionsLimit()).isEqualTo(97);
        assertThat(ReadingStatement.parse(4, 97, true, true, null, "15.20").replicationLag()).as("nothing replayed yet").isEmpty();
        assertThat(ReadingStatement.parse(4, 97, false, false, 3.0, "15.20").replicationLag()).as("not in recovery").isEmpty();
    }

    @Test
    void aNegativeLimitFromOddSettingsIsNoSlot() {
        assertThat(ReadingStatement.parse(1, -2, false, false, null, "15.20").connectionsLimit()).isZero();
    }

    @Test
    void anIncompleteRowIsRefused() {
        assertThatThrownBy(() -> ReadingStatement.parse(null, 97, false, false, null, "15.20"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReadingStatement.parse(1, 97, null, false, null, "15.20"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
