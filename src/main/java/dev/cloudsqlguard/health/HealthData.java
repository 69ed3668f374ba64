package dev.cloudsqlguard.health;

import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.TargetState;
import dev.cloudsqlguard.state.Verdicts;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The data every guard health check shows for its targets: where the path broke and since when.
 * With one target, one field per fact (as since the first release); with several, one entry per
 * target, keyed by its name, holding the same facts on one line (the data of a check is flat, so
 * this is what keeps targets from overwriting each other's fields). Built from the published state
 * only; contains no secret (no password, no connection string).
 */
final class HealthData {

    private HealthData() {
    }

    /** The data of every target of the state, then {@code extra} per target for the single-target form. */
    static HealthCheckResponseBuilder describe(HealthCheckResponseBuilder b, GuardState state,
            BiConsumer<HealthCheckResponseBuilder, TargetState> extra) {
        if (state.targets().size() == 1) {
            TargetState t = state.targets().values().iterator().next();
            describe(b, t);
            extra.accept(b, t);
            return b;
        }
        for (TargetState t : state.targets().values()) {
            b.withData(t.name(), summary(t));
        }
        return b;
    }

    /** One target's facts on one line: {@code required circuit=closed outcome=ok stage=query reason=none ...}. */
    static String summary(TargetState t) {
        StringBuilder s = new StringBuilder(t.required() ? "required" : "optional");
        s.append(" started=").append(t.started()).append(" ready=").append(t.ready());
        s.append(" circuit=").append(t.circuit().state().code());
        t.lastResult().ifPresent(r -> {
            s.append(" outcome=").append(r.outcome().code()).append(" stage=").append(r.stage().code())
                    .append(" reason=").append(r.reasonCode());
            r.sqlState().ifPresent(code -> s.append(" sqlstate=").append(code));
            s.append(" latency_ms=").append(r.total().toMillis());
        });
        s.append(" consecutive_failures=").append(t.consecutiveFailures());
        Verdicts.of(t).ifPresent(v -> s.append(" layer=").append(v.layer().code()));
        s.append(" endpoint=").append(t.endpoint());
        t.reason().flatMap(reason -> reason.action()).ifPresent(action -> s.append(" action: ").append(action));
        return s.toString();
    }

    static HealthCheckResponseBuilder describe(HealthCheckResponseBuilder b, TargetState t) {
        b.withData("target", t.name());
        b.withData("endpoint", t.endpoint());
        t.lastResult().ifPresent(r -> fill(b, r));
        b.withData("consecutive_failures", t.consecutiveFailures());
        b.withData("last_success", t.lastSuccess().map(Object::toString).orElse("never"));
        b.withData("circuit", t.circuit().state().code());
        Verdicts.of(t).ifPresent(v -> {
            b.withData("layer", v.layer().code());
            b.withData("verdict", v.summary());
            b.withData("hint", v.hint());
        });
        t.reason().ifPresent(reason -> {
            b.withData("explanation", reason.explanation());
            reason.action().ifPresent(action -> b.withData("action", action));
        });
        return b;
    }

    private static void fill(HealthCheckResponseBuilder b, ProbeResult r) {
        b.withData("outcome", r.outcome().code());
        b.withData("stage", r.stage().code());
        b.withData("reason", r.reasonCode());
        r.sqlState().ifPresent(s -> b.withData("sqlstate", s));
        b.withData("latency_ms", r.total().toMillis());
        b.withData("probed_at", r.at().toString());
    }
}
