package dev.cloudsqlguard.cli;

import dev.cloudsqlguard.config.DurationParser;
import dev.cloudsqlguard.config.GuardSettings;
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
import java.util.Optional;

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
        Optional<ProbeResult> last = Optional.empty();
        long start = System.nanoTime();
        long deadline = start + args.timeout().toNanos();
        try (StageWalker walker = new StageWalker(settings.target(), settings.probe(),
                VertxQueryStage.of(settings.target(), settings.probe(), epollVertx::get, System::nanoTime),
                Clock.systemUTC(), System::nanoTime)) {
            Reason shown = null;
            while (true) {
                ProbeResult r = walker.probe();
                last = Optional.of(r);
                if (r.succeeded()) {
                    break;
                }
                Reason reason = r.reason().orElseThrow();
                if (reason != shown) {
                    shown = reason;
                    out.println(PREFIX + settings.target().name() + " not ready at stage " + r.stage().code() + ": "
                            + reason.code() + r.sqlState().map(s -> " [SQLSTATE " + s + "]").orElse("") + ": "
                            + r.detail() + reason.action().map(action -> " (" + action + ")").orElse(""));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(settings.probe().startupInterval().toMillis(), left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int code = WaitVerdict.exitCode(last);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        if (code == WaitVerdict.READY) {
            out.println(PREFIX + settings.target().name() + " is ready after " + DurationParser.format(waited)
                    + " (" + last.get().stage().code() + " stage passed)");
        } else {
            out.println(PREFIX + "gave up after " + DurationParser.format(waited) + ": "
                    + WaitVerdict.describe(code) + " (exit " + code + ")");
        }
        out.flush();
        if (code != WaitVerdict.READY || args.command().isEmpty()) {
            return code;
        }
        return exec(args, out);
    }

    private static int exec(WaitArguments args, PrintStream out) {
        Process child;
        try {
            child = new ProcessBuilder(args.command()).inheritIO().start();
        } catch (IOException e) {
            out.println(PREFIX + "cannot run " + args.command().get(0) + ": " + e.getMessage());
            return 127; // the shell's "command not found"
        }
        try (SignalForwarder forwarder = SignalForwarder.install(child)) {
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
