package dev.cloudsqlguard.it;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Two real PostgreSQL servers as two named targets: {@code main} (required) and {@code reports}
 * ({@code required=false}), each on its own Cloud SQL shaped socket.
 */
public class TwoTargetsResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PgFixture main;
    private static volatile PgFixture reports;

    static PgFixture main() {
        return main;
    }

    static PgFixture reports() {
        return reports;
    }

    /** The guard's configuration for both targets, as {@code guard.targets.<name>.<key>} properties. */
    static Map<String, String> properties() {
        Map<String, String> config = new LinkedHashMap<>();
        put(config, "main", main);
        put(config, "reports", reports);
        config.put("guard.targets.reports.required", "false");
        return config;
    }

    /** The same configuration in its environment form, {@code GUARD_TARGETS_<NAME>_<KEY>}. */
    static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        properties().forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"), v));
        return env;
    }

    private static void put(Map<String, String> config, String name, PgFixture db) {
        String prefix = "guard.targets." + name + ".";
        config.put(prefix + "instance", db.instance());
        config.put(prefix + "socket-dir", db.cloudsqlRoot().toString());
        config.put(prefix + "user", db.user());
        config.put(prefix + "password", db.password());
        config.put(prefix + "database", db.database());
    }

    @Override
    public Map<String, String> start() {
        main = PgFixture.create();
        reports = PgFixture.create();
        return properties();
    }

    @Override
    public void stop() {
        if (main != null) {
            main.close();
        }
        if (reports != null) {
            reports.close();
        }
    }
}
