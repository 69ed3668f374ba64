package dev.cloudsqlguard.health;

import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.state.TargetState;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The data every guard health check shows for a target: where the path broke and since when.
 * Built from the published state only; contains no secret (no password, no connection string).
 */
final class HealthData {

    private HealthData() {
    }

    static HealthCheckResponseBuilder describe(HealthCheckResponseBuilder b, TargetState t) {
        b.withData("target", t.name());
        b.withData("endpoint", t.endpoint());
        t.lastResult().ifPresent(r -> fill(b, r));
        b.withData("consecutive_failures", t.consecutiveFailures());
        b.withData("last_success", t.lastSuccess().map(Object::toString).orElse("never"));
        b.withData("circuit", t.circuit().state().code());
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
