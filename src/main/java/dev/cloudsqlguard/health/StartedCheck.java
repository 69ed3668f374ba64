package dev.cloudsqlguard.health;

import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.TargetState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

/**
 * {@code /q/health/started}: UP once every target has had one fully successful probe, and UP
 * for good after that (latched). Cloud Run's container dependencies and Kubernetes native
 * sidecars hold the main container until this passes.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

    @Inject
    GuardStateStore store;

    @Override
    public HealthCheckResponse call() {
        GuardState state = store.current();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("cloudsql-guard-started").status(state.started());
        for (TargetState t : state.targets().values()) {
            HealthData.describe(b, t);
            t.startedAt().ifPresent(at -> b.withData("started_at", at.toString()));
        }
        return b.build();
    }
}
