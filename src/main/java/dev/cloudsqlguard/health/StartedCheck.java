package dev.cloudsqlguard.health;

import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Startup;

/**
 * {@code /q/health/started}: UP once every required target has had one fully successful probe, and UP
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
        HealthData.describe(b, state, (data, t) -> {
            t.startedAt().ifPresent(at -> data.withData("started_at", at.toString()));
        });
        return b.build();
    }
}
