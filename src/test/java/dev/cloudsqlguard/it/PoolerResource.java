package dev.cloudsqlguard.it;

import dev.cloudsqlguard.fixture.PgBouncer;
import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * A real PostgreSQL behind a real PgBouncer with its default settings, and the packaged guard
 * pointed at the pooler's Cloud SQL shaped socket ({@code <base>/cloudsql/p:r:pooler}), as an app
 * behind a pooler would be.
 */
public class PoolerResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PgFixture db;
    private static volatile PgBouncer pooler;

    static PgFixture db() {
        return db;
    }

    static PgBouncer pooler() {
        return pooler;
    }

    @Override
    public Map<String, String> start() {
        db = PgFixture.create();
        pooler = PgBouncer.start(db);
        Map<String, String> config = new HashMap<>();
        config.put("guard.target.instance", PgBouncer.INSTANCE);
        config.put("guard.target.socket-dir", pooler.cloudsqlRoot().toString());
        config.put("guard.target.user", db.user());
        config.put("guard.target.password", db.password());
        config.put("guard.target.database", db.database());
        return config;
    }

    @Override
    public void stop() {
        if (pooler != null) {
            pooler.close();
        }
        if (db != null) {
            db.close();
        }
    }
}
