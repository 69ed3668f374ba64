package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.circuit.CircuitState;
import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.Verdict;
import dev.cloudsqlguard.state.Verdicts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Log lines for changes, never for each probe: one INFO at start per target, one INFO when it first answers, one WARN
 * per change of failure reason, one INFO on recovery, one line per circuit transition. Fields
 * (target, stage, reason, sqlstate, from, to) also go to the MDC so JSON logs carry them as
 * structured fields. Lines are rate-limited on their way out (GuardLogFilter and {@link LogLimiter}, circuit
 * transitions exempt); {@code guard_log_lines_suppressed_total} counts the lines held back.
 */
@ApplicationScoped
public class LogSignal implements Signal {

    private static final Logger LOG = Logger.getLogger("dev.cloudsqlguard");

    @Inject
    MeterRegistry registry;

    /** One line per target saying what will be probed, and how; one with the heap's bound. */
    @Override
    public void start(GuardSettings settings, GuardState initial) {
        FunctionCounter.builder("guard.log.lines.suppressed", this, s -> LogLimiter.heldBack())
                .description("Log lines not logged by the rate limit (identical lines beyond one a minute, lines beyond "
                        + LogLimiter.MAX_LINES + " a minute); each repeated line is logged again with its count")
                .register(registry);
        for (TargetSettings t : settings.targets()) {
            LOG.infof("probing %s at %s (database %s, %s%s%s%s)", t.name(), t.endpoint().describe(), t.database(),
                    t.hasCredentials() ? "query stage as user " + t.user().get()
                            : "handshake only: no " + Catalogue.TARGET_USER.key(),
                    t.role() == Role.ANY ? "" : ", role " + t.role().code(), t.required() ? "" : ", optional",
                    tls(t.tls()));
        }
        // the bound a heap that fills up grows to (README, Memory): built into the native executable,
        // set by the jar's launcher; the JDK's default would be a quarter of the machine's memory
        LOG.infof("heap: at most %d MiB (-Xmx changes it)", Runtime.getRuntime().maxMemory() >> 20);
    }

    /** The TLS of a TCP target, in the startup line: the mode, the roots' file, the client certificate's subject. */
    private static String tls(TlsSettings tls) {
        if (!tls.enabled()) {
            return "";
        }
        return ", TLS " + tls.mode().code() + tls.roots().map(r -> " against " + r.source()).orElse("")
                + tls.client().map(c -> " with the " + c).orElse("");
    }

    void onUpdate(@Observes GuardUpdate update) {
        for (TargetEvent event : update.events()) {
            try {
                MDC.put("target", event.target());
                log(event, Optional.ofNullable(update.state().targets().get(event.target())).flatMap(Verdicts::of));
            } finally {
                MDC.clear();
            }
        }
    }

    private static void log(TargetEvent event, Optional<Verdict> verdict) {
        if (event instanceof TargetEvent.Started s) {
            tag(s.result());
            LOG.infof("target %s is reachable: first successful probe in %d ms; startup gate open",
                    s.target(), s.result().total().toMillis());
        } else if (event instanceof TargetEvent.ReasonChanged c) {
            ProbeResult r = c.result();
            tag(r);
            String sql = r.sqlState().map(s -> " [SQLSTATE " + s + "]").orElse("");
            String hint = c.to().action().map(action -> " (" + action + ")").orElse("");
            String layer = verdict.map(v -> " [layer " + v.layer().code() + "] check: " + v.hint()).orElse("");
            verdict.ifPresent(v -> MDC.put("layer", v.layer().code()));
            LOG.warnf("target %s unreachable at stage %s: %s%s: %s%s%s", c.target(), r.stage().code(), c.to().code(), sql,
                    r.detail(), hint, layer);
        } else if (event instanceof TargetEvent.Recovered r) {
            tag(r.result());
            LOG.infof("target %s is reachable again after %d failed probes (last reason: %s)", r.target(),
                    r.failedProbes(), r.lastReason().map(x -> x.code()).orElse("none"));
        } else if (event instanceof TargetEvent.HeadroomChanged h) {
            ServerReading r = h.reading();
            if (h.low()) {
                LOG.warnf("target %s connection headroom low: %d of %d usable connection slots in use, %d free (under "
                        + "%s%%); once none is free, new connections are refused (53300)", h.target(),
                        r.connectionsUsed(), r.connectionsLimit(), r.freeConnections(), percent(h.thresholdPercent()));
            } else {
                LOG.infof("target %s connection headroom restored: %d of %d usable connection slots in use",
                        h.target(), r.connectionsUsed(), r.connectionsLimit());
            }
        } else if (event instanceof TargetEvent.Transitioned t) {
            CircuitTransition x = t.transition();
            MDC.put("from", x.from().code());
            MDC.put("to", x.to().code());
            MDC.put("reason", x.reason());
            String line = String.format("circuit %s: %s -> %s (reason %s): %s", x.target(), x.from().code(),
                    x.to().code(), x.reason(), x.why());
            if (x.to() == CircuitState.OPEN || x.to() == CircuitState.FORCED_OPEN) {
                LOG.warn(line);
            } else {
                LOG.info(line);
            }
        }
    }

    /** 10 as "10", 12.5 as "12.5". */
    private static String percent(float p) {
        return p == Math.rint(p) ? Integer.toString((int) p) : Float.toString(p);
    }

    private static void tag(ProbeResult r) {
        MDC.put("stage", r.stage().code());
        MDC.put("reason", r.reasonCode());
        MDC.put("outcome", r.outcome().code());
        r.sqlState().ifPresent(s -> MDC.put("sqlstate", s));
    }
}
