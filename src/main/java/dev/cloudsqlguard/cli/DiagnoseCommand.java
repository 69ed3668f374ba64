package dev.cloudsqlguard.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.Printable;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.loop.EpollVertx;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.walk.StageWalker;
import dev.cloudsqlguard.probe.walk.VertxQueryStage;
import dev.cloudsqlguard.state.TargetTracker;
import dev.cloudsqlguard.state.Verdicts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code cloudsql-guard diagnose}: what to paste into an escalation instead of a guess. Runs a few
 * walks of a new connection to each target with the sidecar's configuration and stages, then prints
 * per stage its latencies, what the server said about itself (version, authentication, recovery,
 * connections, lag, TLS), DNS answers for a TCP target, and the verdict with its evidence. Exits
 * with {@code wait}'s codes: 0 the database answers, 1 it refuses, 2 no answer, 3 bad configuration.
 */
@ApplicationScoped
public class DiagnoseCommand {

    private static final String PREFIX = "cloudsql-guard diagnose: ";

    @Inject
    EpollVertx epollVertx;

    public int run(GuardSettings settings, DiagnoseArguments args, PrintStream out) {
        List<TargetSettings> targets = settings.targets().stream()
                .filter(t -> args.target().map(t.name()::equals).orElse(true)).toList();
        if (targets.isEmpty()) {
            out.println(Printable.escape(PREFIX + "no target '" + args.target().orElse("") + "': one of "
                    + settings.targets().stream().map(TargetSettings::name).collect(Collectors.joining(", "))));
            return WaitVerdict.BAD_CONFIGURATION;
        }
        // every probe walks a new connection: the point is to measure each stage
        ProbeSettings p = settings.probe();
        ProbeSettings walking = new ProbeSettings(p.interval(), p.timeout(), p.sessionTimeout(), Duration.ZERO,
                p.startupInterval(), p.slowThreshold(), p.query(), p.sessionMaxAge(), p.headroomWarning());
        List<DiagnoseReport> reports = new ArrayList<>();
        try {
            for (TargetSettings target : targets) {
                reports.add(diagnose(target, walking, settings, args.probes()));
            }
        } finally {
            epollVertx.close(Duration.ofMillis(500)); // the walkers have closed their sessions on it
        }
        int code = reports.stream().mapToInt(DiagnoseReport::exitCode).max().orElse(WaitVerdict.NO_RESPONSE);
        if (args.json()) {
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode list = doc.putArray("targets");
            reports.forEach(r -> list.add(r.json()));
            doc.put("exit_code", code);
            out.println(doc.toPrettyString());
        } else {
            reports.forEach(r -> r.lines().forEach(line -> out.println(Printable.escape(line))));
            out.println(PREFIX + WaitVerdict.describe(code) + " (exit " + code + ")");
        }
        out.flush();
        return code;
    }

    private DiagnoseReport diagnose(TargetSettings target, ProbeSettings probe, GuardSettings settings, int probes) {
        TargetTracker tracker = new TargetTracker(target, probe, settings.circuit(), Clock.systemUTC(), () -> 0.5);
        List<ProbeResult> results = new ArrayList<>();
        try (StageWalker walker = new StageWalker(target, probe,
                VertxQueryStage.of(target, probe, epollVertx::get, System::nanoTime), Clock.systemUTC(), System::nanoTime)) {
            for (int i = 0; i < probes; i++) {
                if (i > 0) {
                    pause(probe.startupInterval());
                }
                ProbeResult r = walker.probe();
                tracker.permitProbe();
                tracker.record(r);
                results.add(r);
            }
        }
        return new DiagnoseReport(target, results, dns(target.endpoint()), Verdicts.of(tracker.state()).orElseThrow());
    }

    /** The addresses a TCP target's host resolves to (what the JVM's resolver answers, as the app's would). */
    private static List<String> dns(Endpoint endpoint) {
        if (!(endpoint instanceof Endpoint.Tcp tcp)) {
            return List.of();
        }
        try {
            return Arrays.stream(InetAddress.getAllByName(tcp.host())).map(InetAddress::getHostAddress).distinct().toList();
        } catch (UnknownHostException e) {
            return List.of("(does not resolve: " + e.getMessage() + ")");
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
