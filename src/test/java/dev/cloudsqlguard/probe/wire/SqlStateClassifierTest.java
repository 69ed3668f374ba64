package dev.cloudsqlguard.probe.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStateClassifierTest {

    @ParameterizedTest(name = "handshake {0} -> {1}")
    @CsvSource({
            "57P03, SERVER_STARTING",
            "57P01, SERVER_SHUTTING_DOWN",
            "57P02, SERVER_SHUTTING_DOWN",
            "53300, TOO_MANY_CONNECTIONS",
            "08P01, PROTOCOL_ERROR",
            "0A000, PROTOCOL_ERROR",
    })
    void handshakeErrorsThatMeanTheServerCannotTakeUs(String sqlState, Reason expected) {
        assertThat(SqlStateClassifier.atHandshake(sqlState)).contains(expected);
    }

    @Test
    void handshakeErrorWithoutSqlStateIsAProtocolError() {
        assertThat(SqlStateClassifier.atHandshake(null)).contains(Reason.PROTOCOL_ERROR);
    }

    @ParameterizedTest(name = "handshake {0} -> server is up")
    @ValueSource(strings = {"28P01", "28000", "3D000", "25006", "57014", "42501", "XX000", "99999", "", "zzzzz"})
    void handshakeErrorsThatStillProveTheServerIsUp(String sqlState) {
        assertThat(SqlStateClassifier.atHandshake(sqlState)).isEmpty();
    }

    @ParameterizedTest(name = "query {0} -> {1}")
    @CsvSource({
            "28P01, AUTH_FAILED",
            "28000, AUTH_FAILED",
            "3D000, DATABASE_MISSING",
            "25006, READ_ONLY",
            "57P03, SERVER_STARTING",
            "57P01, SERVER_SHUTTING_DOWN",
            "57P02, SERVER_SHUTTING_DOWN",
            "53300, TOO_MANY_CONNECTIONS",
            "57014, QUERY_TIMEOUT",
            "42601, QUERY_FAILED",
            "42P01, QUERY_FAILED",
            "08P01, QUERY_FAILED",
            "0A000, QUERY_FAILED",
            "XX000, QUERY_FAILED",
    })
    void queryErrors(String sqlState, Reason expected) {
        assertThat(SqlStateClassifier.atQuery(sqlState)).isEqualTo(expected);
    }

    @Test
    void queryErrorWithoutSqlStateIsAQueryFailure() {
        assertThat(SqlStateClassifier.atQuery(null)).isEqualTo(Reason.QUERY_FAILED);
    }

    @Test
    void reasonCodesAreStableLowerCaseNames() {
        assertThat(Reason.SERVER_STARTING.code()).isEqualTo("server_starting");
        assertThat(java.util.Arrays.stream(Reason.values()).map(Reason::code)).doesNotHaveDuplicates();
        for (Reason r : Reason.values()) {
            assertThat(r.code()).matches("[a-z_]+");
            assertThat(r.explanation()).isNotBlank();
        }
        assertThat(Reason.AUTH_FAILED.misconfiguration()).isTrue();
        assertThat(Reason.DATABASE_MISSING.misconfiguration()).isTrue();
        assertThat(Reason.CONNECT_TIMEOUT.misconfiguration()).isFalse();
        assertThat(Reason.AUTH_FAILED.usualStage()).isEqualTo(Stage.QUERY);
        assertThat(Reason.SOCKET_MISSING.usualStage()).isEqualTo(Stage.SOCKET);
        assertThat(Stage.HANDSHAKE.code()).isEqualTo("handshake");
        assertThat(Outcome.SLOW.code()).isEqualTo("slow");
        assertThat(Outcome.SLOW.reachedDatabase()).isTrue();
        assertThat(Outcome.OK.reachedDatabase()).isTrue();
        assertThat(Outcome.FAILED.reachedDatabase()).isFalse();
    }
}
