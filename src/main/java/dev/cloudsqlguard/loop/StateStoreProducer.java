package dev.cloudsqlguard.loop;

import dev.cloudsqlguard.state.GuardStateStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Makes the plain {@link GuardStateStore} of the state layer the one CDI bean every reader injects. */
@Singleton
public class StateStoreProducer {

    @Produces
    @Singleton
    GuardStateStore store() {
        return new GuardStateStore(Clock.systemUTC());
    }
}
