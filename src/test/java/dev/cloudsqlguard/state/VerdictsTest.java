package dev.cloudsqlguard.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The verdict of every reason code, over a Unix socket and over TCP, and of answering targets. */
class VerdictsTest {

    static final TargetSettings SOCKET = new TargetSettings("db",
            new Endpoint.UnixSocket(Path.of("/cloudsql/p:r:i/.s.PGSQL.5432"), 5432), "postgres", Optional.of("guard"),
            Optional.empty(), Role.ANY, true, TlsSettings.NONE, Optional.empty());

    final FakeClock clock = new FakeClock();

    TargetTracker tracker(TargetSettings target) {
        return new TargetTracker(target, TargetTrackerTest.PROBE, TargetTrackerTest.CIRCUIT, clock, () -> 0.0);
    }

    Verdict after(TargetSettings target, ProbeResult... results) {
        TargetTracker t = tracker(target);
        for (ProbeResult r : results) {
            t.permitProbe();
            t.record(r);
            clock.advanceMillis(500);
        }
        return Verdicts.of(t.state()).orElseThrow();
    }

    /** The layer each reason puts the fault in, over a socket (the Cloud SQL proxy's) and over TCP. */
    static Layer expected(Reason reason, boolean socket) {
        return switch (reason) {
            case SOCKET_MISSING, NOT_A_SOCKET -> Layer.MOUNT;
            case CONNECT_REFUSED -> socket ? Layer.PROXY : Layer.DATABASE;
            case IO_ERROR -> socket ? Layer.PROXY : Layer.NETWORK;
            case PROTOCOL_ERROR -> Layer.PROXY;
            case DNS_FAILED, CONNECT_TIMEOUT, HANDSHAKE_TIMEOUT -> Layer.NETWORK;
            case TLS_UNAVAILABLE, SERVER_STARTING, SERVER_SHUTTING_DOWN, TOO_MANY_CONNECTIONS, READ_ONLY, NOT_A_REPLICA,
                    REPLICA_LAGGING, QUERY_TIMEOUT, QUERY_FAILED -> Layer.DATABASE;
            case TLS_FAILED, TLS_REQUIRED, AUTH_FAILED, DATABASE_MISSING -> Layer.CREDENTIALS;
        };
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReasonHasItsLayerASummaryAndAHint(Reason reason) {
        for (TargetSettings target : new TargetSettings[] {SOCKET, TargetTrackerTest.TARGET}) {
            boolean socket = target == SOCKET;
            Verdict v = after(target, Results.failed(reason, "XX000", clock.instant()));
            assertThat(v.layer()).as("%s over %s", reason, socket ? "a socket" : "TCP").isEqualTo(expected(reason, socket));
            assertThat(v.summary()).as("%s", reason).isNotBlank().doesNotContain("null");
            assertThat(v.hint()).as("%s", reason).isNotBlank().doesNotContain("null");
            assertThat(v.layer()).isNotEqualTo(Layer.HEALTHY);
        }
    }

    @Test
    void aMissingSocketNamesItsDirectoryToLookAt() {
        Verdict v = after(SOCKET, Results.failed(Reason.SOCKET_MISSING, clock.instant()));
        assertThat(v.summary()).contains("/cloudsql/p:r:i/.s.PGSQL.5432");
        assertThat(v.hint()).contains("ls -la /cloudsql/p:r:i", "cloud-sql-proxy");
    }

    @Test
    void aHandshakeTimeoutThroughTheProxyBlamesThePathBeyondIt() {
        Verdict v = after(SOCKET, Results.failed(Reason.HANDSHAKE_TIMEOUT, clock.instant()));
        assertThat(v.summary()).contains("the proxy accepted the connection");
        assertThat(v.hint()).contains("VPC");
    }

    @Test
    void aHealthyTargetQuotesItsRecentProbesAndPointsAtTheApp() {
        ProbeResult[] probes = new ProbeResult[10];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = Results.onSession(Outcome.OK, i < 5 ? 1 : 3, clock.instant().plusMillis(500L * i),
                    Results.connections(5, 97));
        }
        Verdict v = after(SOCKET, probes);
        assertThat(v.layer()).isEqualTo(Layer.HEALTHY);
        assertThat(v.summary()).isEqualTo("the database answered 10 of 10 probes, median 2.0 ms");
        assertThat(v.hint()).contains("the app's own settings", "unix:/cloudsql/p:r:i/.s.PGSQL.5432");
    }

    @Test
    void answersAfterFailuresCountOnlyTheAnsweredOnes() {
        Verdict v = after(SOCKET, Results.failed(Reason.HANDSHAKE_TIMEOUT, clock.instant()),
                Results.ok(4, clock.instant()));
        assertThat(v.summary()).startsWith("the database answered 1 of 2 probes, median 4.0 ms");
    }

    @Test
    void aSlowProbeBlamesItsSlowestStage() {
        Map<Stage, Duration> query = new EnumMap<>(Map.of(Stage.SOCKET, Duration.ZERO, Stage.CONNECT, Duration.ofMillis(1),
                Stage.HANDSHAKE, Duration.ofMillis(3), Stage.QUERY, Duration.ofMillis(700)));
        Verdict db = after(SOCKET, new ProbeResult("db", Outcome.SLOW, Stage.QUERY, Optional.empty(), Optional.empty(), "",
                query, Duration.ofMillis(704), clock.instant()));
        assertThat(db.layer()).isEqualTo(Layer.DATABASE);
        assertThat(db.summary()).contains("query stage (700 ms)");
        Map<Stage, Duration> tls = new EnumMap<>(Map.of(Stage.SOCKET, Duration.ZERO, Stage.CONNECT, Duration.ofMillis(2),
                Stage.TLS, Duration.ofMillis(600), Stage.HANDSHAKE, Duration.ofMillis(3), Stage.QUERY, Duration.ofMillis(1)));
        Verdict net = after(TargetTrackerTest.TARGET, new ProbeResult("db", Outcome.SLOW, Stage.QUERY, Optional.empty(),
                Optional.empty(), "", tls, Duration.ofMillis(606), clock.instant()));
        assertThat(net.layer()).isEqualTo(Layer.NETWORK);
        assertThat(net.summary()).contains("tls stage (600 ms)");
    }

    @Test
    void lowHeadroomIsADatabaseVerdictWhileTheDatabaseAnswers() {
        Verdict v = after(SOCKET, Results.ok(3, clock.instant()),
                Results.onSession(Outcome.OK, 1, clock.instant(), Results.connections(95, 97)));
        assertThat(v.layer()).isEqualTo(Layer.DATABASE);
        assertThat(v.summary()).isEqualTo("the database answers, but only 2 of 97 connection slots are free");
    }

    @Test
    void noVerdictBeforeTheFirstProbe() {
        assertThat(Verdicts.of(tracker(SOCKET).state())).isEmpty();
    }
}
