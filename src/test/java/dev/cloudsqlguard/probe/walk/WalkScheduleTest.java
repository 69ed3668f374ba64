package dev.cloudsqlguard.probe.walk;

import static dev.cloudsqlguard.probe.walk.WalkSchedule.Next.KEPT_SESSION;
import static dev.cloudsqlguard.probe.walk.WalkSchedule.Next.NEW_CONNECTION;
import static dev.cloudsqlguard.probe.walk.WalkSchedule.Next.NEW_SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.testing.FakeClock;
import dev.cloudsqlguard.testing.Results;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WalkScheduleTest {

    static final long S = 1_000_000_000L;
    final WalkSchedule schedule = new WalkSchedule(Duration.ofSeconds(30));

    @Test
    void theFirstProbeWalksAndAHealthySessionIsUsedUntilTheInterval() {
        assertThat(schedule.next(0, true, false)).as("nothing walked yet").isEqualTo(NEW_CONNECTION);
        schedule.record(0, Results.ok(3, FakeClock.START));
        assertThat(schedule.next(1 * S, true, false)).isEqualTo(KEPT_SESSION);
        schedule.record(1 * S, Results.onSession(Outcome.OK, 1, FakeClock.START, Results.connections(3, 97)));
        assertThat(schedule.next(29 * S, true, false)).isEqualTo(KEPT_SESSION);
        assertThat(schedule.next(30 * S, true, false)).as("the interval since the last walk started").isEqualTo(NEW_CONNECTION);
        schedule.record(30 * S, Results.ok(3, FakeClock.START));
        assertThat(schedule.next(31 * S, true, false)).isEqualTo(KEPT_SESSION);
    }

    @Test
    void aSessionDueForRenewalIsRenewedAtTheNextWalkInsteadOfIt() {
        schedule.record(0, Results.ok(3, FakeClock.START));
        assertThat(schedule.next(10 * S, true, true)).as("due, but no walk yet: the session serves on")
                .isEqualTo(KEPT_SESSION);
        assertThat(schedule.next(30 * S, true, true)).isEqualTo(NEW_SESSION);
        schedule.record(30 * S, Results.ok(3, FakeClock.START));
        assertThat(schedule.next(31 * S, true, false)).as("the renewal was the walk").isEqualTo(KEPT_SESSION);
    }

    @Test
    void withoutAHealthySessionEveryProbeWalks() {
        schedule.record(0, Results.ok(3, FakeClock.START));
        assertThat(schedule.next(1 * S, false, false)).isEqualTo(NEW_CONNECTION);
        assertThat(schedule.next(31 * S, false, true)).as("a broken session is diagnosed by a full walk")
                .isEqualTo(NEW_CONNECTION);
    }

    @Test
    void aBadProbeIsFollowedByAFullWalk() {
        schedule.record(0, Results.ok(3, FakeClock.START));
        schedule.record(1 * S, Results.onSession(Outcome.FAILED, 300, FakeClock.START, null));
        assertThat(schedule.next(1 * S, true, true)).as("after a failed probe, even with a session due")
                .isEqualTo(NEW_CONNECTION);
        schedule.record(1 * S, Results.failed(Reason.HANDSHAKE_TIMEOUT, FakeClock.START));
        assertThat(schedule.next(2 * S, true, false)).as("after a failed walk").isEqualTo(NEW_CONNECTION);
        schedule.record(2 * S, Results.ok(3, FakeClock.START));
        schedule.record(3 * S, Results.onSession(Outcome.SLOW, 600, FakeClock.START, null));
        assertThat(schedule.next(3 * S, true, false)).as("after a slow one").isEqualTo(NEW_CONNECTION);
        schedule.record(3 * S, Results.slow(700, FakeClock.START));
        assertThat(schedule.next(4 * S, true, false)).as("after a slow walk").isEqualTo(NEW_CONNECTION);
    }

    @Test
    void exhaustedSlotsAreLookedAtFromANewConnection() {
        schedule.record(0, Results.ok(3, FakeClock.START));
        schedule.record(1 * S, Results.onSession(Outcome.OK, 1, FakeClock.START, Results.connections(97, 97)));
        assertThat(schedule.next(2 * S, true, false)).isEqualTo(NEW_CONNECTION);
        schedule.record(2 * S, Results.ok(3, FakeClock.START));
        schedule.record(3 * S, Results.onSession(Outcome.OK, 1, FakeClock.START, Results.connections(96, 97)));
        assertThat(schedule.next(4 * S, true, false)).as("one slot free").isEqualTo(KEPT_SESSION);
    }
}
