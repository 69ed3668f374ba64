package dev.cloudsqlguard.it;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real primary (it trusts an IAM-shaped role on its socket, as the Cloud SQL proxy with
 * {@code --auto-iam-authn} logs one in) and its streaming replica, seen by one guard as named
 * targets: {@code replica} (role replica, required), {@code primary} (role replica: wrong on
 * purpose), {@code wrongrole} (the replica with role primary) and {@code iam} (the trusted user, no
 * password). Only {@code replica} is required.
 */
public class TopologyResource implements QuarkusTestResourceLifecycleManager {

    static final String IAM_USER = "guard-sa@project.iam";

    private static volatile PgFixture primary;
    private static volatile PgFixture replica;

    static PgFixture primary() {
        return primary;
    }

    static PgFixture replica() {
        return replica;
    }

    /** The bound of the {@code lagging} target: the replica itself, with a max-replication-lag. */
    static final int MAX_LAG_SECONDS = 2;

    /** {@code guard.targets.<name>.*} for a target on {@code db} as the fixture's role. */
    static Map<String, String> target(String name, PgFixture db, String role, boolean required) {
        Map<String, String> c = new LinkedHashMap<>();
        String p = "guard.targets." + name + ".";
        c.put(p + "instance", db.instance());
        c.put(p + "socket-dir", db.cloudsqlRoot().toString());
        c.put(p + "user", db.user());
        c.put(p + "password", db.password());
        c.put(p + "database", db.database());
        c.put(p + "role", role);
        c.put(p + "required", Boolean.toString(required));
        return c;
    }

    @Override
    public Map<String, String> start() {
        primary = PgFixture.createConfigured("--replication", "--hba", "local all \"" + IAM_USER + "\" trust",
                "--role", IAM_USER).start();
        replica = PgFixture.createReplicaOf(primary);
        Map<String, String> config = new LinkedHashMap<>();
        config.putAll(target("replica", replica, "replica", true));
        config.putAll(target("primary", primary, "replica", false));
        config.putAll(target("wrongrole", replica, "primary", false));
        config.putAll(target("lagging", replica, "replica", false));
        config.put("guard.targets.lagging.max-replication-lag", MAX_LAG_SECONDS + "s");
        config.put("guard.targets.iam.instance", primary.instance());
        config.put("guard.targets.iam.socket-dir", primary.cloudsqlRoot().toString());
        config.put("guard.targets.iam.user", IAM_USER);
        config.put("guard.targets.iam.required", "false");
        return config;
    }

    @Override
    public void stop() {
        if (replica != null) {
            replica.close();
        }
        if (primary != null) {
            primary.close();
        }
    }
}
