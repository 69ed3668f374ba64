package dev.cloudsqlguard.cli;

import dev.cloudsqlguard.config.DurationParser;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.Printable;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.loop.EpollVertx;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.walk.StageWalker;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * {@code cloudsql-guard wait}: the one-shot gate for where a sidecar is not wanted. Probes with
 * the same configuration and stages as the sidecar until the database is ready or the timeout
 * passes, printing one line per change of reason, then exits with pg_isready's codes — or, with
 * {@code -- CMD…}, runs CMD once ready and exits with CMD's code.
 */
@ApplicationScoped
public class WaitCommand {

    private static final String PREFIX = "cloudsql-guard wait: ";

    @Inject
    EpollVertx epollVertx;

    public int run(GuardSettings settings, WaitArguments args, PrintStream out) {
        List<TargetSettings> targets = settings.targets().stream()
                .filter(t -> args.target().map(t.name()::equals).orElse(t.required())).toList();
        if (targets.isEmpty()) {
            say(out, PREFIX + "no target '" + args.target().orElse("") + "': one of "
                    + settings.targets().stream().map(TargetSettings::name).collect(Collectors.joining(", ")));
            return WaitVerdict.BAD_CONFIGURATION;
        }
        long start = System.nanoTime();
        long deadline = start + args.timeout().toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(targets.size(), r -> {
            Thread t = new Thread(r, "guard-wait");
            t.setDaemon(true);
            return t;
        });
        List<Future<Optional<ProbeResult>>> waits = new ArrayList<>();
        for (TargetSettings target : targets) {
            waits.add(pool.submit(() -> waitFor(target, settings, deadline, start, out)));
        }
        int code = WaitVerdict.READY;
        List<String> notReady = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            int targetCode = WaitVerdict.exitCode(result(waits.get(i)));
            if (targetCode != WaitVerdict.READY) {
                notReady.add(targets.get(i).name());
                code = Math.max(code, targetCode);
            }
        }
        pool.shutdownNow();
        epollVertx.close(Duration.ofMillis(500)); // the walkers have closed their sessions on it
        if (code != WaitVerdict.READY) {
            say(out, PREFIX + "gave up after " + DurationParser.format(Duration.ofNanos(System.nanoTime() - start))
                    + (targets.size() > 1 ? " on " + String.join(", ", notReady) : "") + ": "
                    + WaitVerdict.describe(code) + " (exit " + code + ")");
        }
        out.flush();
        if (code != WaitVerdict.READY || args.command().isEmpty()) {
            return code;
        }
        return exec(args, out);
    }

    /** Probes one target until it is ready or the deadline passes; one line per change of reason. */
    private Optional<ProbeResult> waitFor(TargetSettings target, GuardSettings settings, long deadline, long start,
            PrintStream out) {
        Optional<ProbeResult> last = Optional.empty();
        try (StageWalker walker = new StageWalker(target, settings.probe(),
                VertxQueryStage.of(target, settings.probe(), epollVertx::get, System::nanoTime),
                Clock.systemUTC(), System::nanoTime)) {
            Reason shown = null;
            while (true) {
                ProbeResult r = walker.probe();
                last = Optional.of(r);
                if (r.succeeded()) {
                    say(out, PREFIX + target.name() + " is ready after "
                            + DurationParser.format(Duration.ofNanos(System.nanoTime() - start))
                            + " (" + r.stage().code() + " stage passed)");
                    return last;
                }
                Reason reason = r.reason().orElseThrow();
                if (reason != shown) {
                    shown = reason;
                    say(out, PREFIX + target.name() + " not ready at stage " + r.stage().code() + ": "
                            + reason.code() + r.sqlState().map(s -> " [SQLSTATE " + s + "]").orElse("") + ": "
                            + r.detail() + reason.action().map(action -> " (" + action + ")").orElse(""));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return last;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(settings.probe().startupInterval().toMillis(), left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return last;
                }
            }
        }
    }

    /** One line of the verdict: a line break in a name or a server's message stays inside it. */
    private static void say(PrintStream out, String line) {
        out.println(Printable.escape(line));
    }

    private static Optional<ProbeResult> result(Future<Optional<ProbeResult>> wait) {
        try {
            return wait.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        }
    }

    private static int exec(WaitArguments args, PrintStream out) {
        try (SignalForwarder forwarder = SignalForwarder.install()) {
            Process child;
            try {
                child = new ProcessBuilder(args.command()).inheritIO().start();
            } catch (IOException e) {
                say(out, PREFIX + "cannot run " + args.command().get(0) + ": " + e.getMessage());
                return 127; // the shell's "command not found"
            }
            forwarder.attach(child);
            while (true) {
                try {
                    return child.waitFor();
                } catch (InterruptedException e) {
                    // keep waiting: the child decides when we exit
                }
            }
        }
    }
}
