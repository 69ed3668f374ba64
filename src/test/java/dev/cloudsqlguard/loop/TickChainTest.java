package dev.cloudsqlguard.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The probe schedule never forks: whatever the interleaving of ticks and socket changes, at most
 * one tick is pending. Driven by hand (no threads, no clock), including a change that arrives
 * while a tick runs, the case that doubled the native executable's probe rate.
 */
class TickChainTest {

    private static final Duration INTERVAL = Duration.ofSeconds(2);

    /** Scheduled ticks run only when the test says so; cancelling mimics FutureTask.cancel(false). */
    static final class HandScheduler implements TickChain.Scheduler {
        final class Entry {
            final Runnable task;
            final Duration delay;
            boolean cancelled;
            boolean started;

            Entry(Runnable task, Duration delay) {
                this.task = task;
                this.delay = delay;
            }
        }

        final List<Entry> entries = new ArrayList<>();
        boolean cancelIsLate; // the executor already dequeued the task: cancel does not stop it

        @Override
        public TickChain.Cancellable schedule(Runnable task, Duration delay) {
            Entry e = new Entry(task, delay);
            entries.add(e);
            return () -> e.cancelled = !cancelIsLate;
        }

        List<Entry> live() {
            return entries.stream().filter(e -> !e.cancelled && !e.started).toList();
        }

        Entry runNext() {
            Entry e = live().stream().min(Comparator.comparing((Entry x) -> x.delay)).orElseThrow();
            e.started = true;
            e.task.run();
            return e;
        }
    }

    private final HandScheduler scheduler = new HandScheduler();
    private int ticks;

    private TickChain chain(Supplier<Duration> tick) {
        return new TickChain(scheduler, tick, INTERVAL);
    }

    private Duration countTick() {
        ticks++;
        return INTERVAL;
    }

    @Test
    void startSchedulesOneImmediateTickThenOneAtTheReturnedPause() {
        TickChain chain = chain(this::countTick);
        chain.start();
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isZero());
        for (int i = 1; i <= 5; i++) {
            scheduler.runNext();
            assertThat(ticks).isEqualTo(i);
            assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isEqualTo(INTERVAL));
        }
    }

    @Test
    void startTwiceAndProbeNowBeforeStartDoNotAddChains() {
        TickChain chain = chain(this::countTick);
        chain.probeNow();
        assertThat(scheduler.entries).isEmpty();
        chain.start();
        chain.start();
        assertThat(scheduler.live()).hasSize(1);
    }

    @Test
    void probeNowReplacesThePendingTickWithAnImmediateOne() {
        TickChain chain = chain(this::countTick);
        chain.start();
        scheduler.runNext();
        chain.probeNow();
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isZero());
        scheduler.runNext();
        assertThat(ticks).isEqualTo(2);
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isEqualTo(INTERVAL));
    }

    @Test
    void repeatedChangesCoalesceIntoOneTick() {
        TickChain chain = chain(this::countTick);
        chain.start();
        scheduler.runNext();
        chain.probeNow();
        chain.probeNow();
        chain.probeNow();
        assertThat(scheduler.live()).hasSize(1);
    }

    @Test
    void aChangeDuringARunningTickDoesNotForkTheChain() {
        TickChain[] holder = new TickChain[1];
        holder[0] = chain(() -> {
            ticks++;
            if (ticks == 1) {
                holder[0].probeNow(); // the socket watcher fires while the first probe runs
            }
            return INTERVAL;
        });
        holder[0].start();
        scheduler.runNext();
        // one follow-up, immediate (the change must be looked at), and no second chain at INTERVAL
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isZero());
        scheduler.runNext();
        assertThat(ticks).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            assertThat(scheduler.live()).hasSize(1);
            scheduler.runNext();
        }
        assertThat(ticks).isEqualTo(7);
    }

    @Test
    void aReplacedTickThatRunsAnywayDoesNothing() {
        TickChain chain = chain(this::countTick);
        chain.start();
        scheduler.runNext();
        scheduler.cancelIsLate = true; // the executor had already taken the pending tick
        chain.probeNow();
        assertThat(scheduler.live()).hasSize(2);
        HandScheduler.Entry stale = scheduler.live().get(0);
        stale.started = true;
        stale.task.run();
        assertThat(ticks).isEqualTo(1);
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isZero());
        scheduler.runNext();
        assertThat(ticks).isEqualTo(2);
        assertThat(scheduler.live()).hasSize(1);
    }

    @Test
    void stopCancelsThePendingTickAndARunningOneSchedulesNoSuccessor() {
        TickChain[] holder = new TickChain[1];
        holder[0] = chain(() -> {
            ticks++;
            holder[0].stop();
            return INTERVAL;
        });
        holder[0].start();
        scheduler.runNext();
        assertThat(ticks).isEqualTo(1);
        assertThat(scheduler.live()).isEmpty();
        holder[0].probeNow();
        holder[0].start();
        assertThat(scheduler.live()).isEmpty();
    }

    @Test
    void stopCancelsAPendingTick() {
        TickChain chain = chain(this::countTick);
        chain.start();
        chain.stop();
        assertThat(scheduler.live()).isEmpty();
    }

    @Test
    void aTickThatThrowsIsRetriedAfterTheRetryDelay() {
        TickChain chain = chain(() -> {
            throw new IllegalStateException("bug");
        });
        chain.start();
        assertThatThrownBy(scheduler::runNext).isInstanceOf(IllegalStateException.class);
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isEqualTo(INTERVAL));
    }

    @Test
    void thePauseReturnedByTheTickIsUsed() {
        Duration[] next = {Duration.ofMillis(250), Duration.ofSeconds(5)};
        int[] i = {0};
        TickChain chain = chain(() -> next[Math.min(i[0]++, 1)]);
        chain.start();
        scheduler.runNext();
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isEqualTo(Duration.ofMillis(250)));
        scheduler.runNext();
        assertThat(scheduler.live()).singleElement().satisfies(e -> assertThat(e.delay).isEqualTo(Duration.ofSeconds(5)));
    }
}
