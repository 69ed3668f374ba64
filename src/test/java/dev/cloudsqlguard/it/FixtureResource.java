package dev.cloudsqlguard.it;

import dev.cloudsqlguard.fixture.PgFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives a black-box test a real PostgreSQL on a Cloud SQL shaped socket and points the packaged
 * guard at it. Init args: {@code start=true|false} (is the database up before the guard
 * boots?), and any {@code guard.*} key, passed through as configuration.
 */
public class FixtureResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PgFixture fixture;
    private static volatile Path workDir;
    private static volatile WebhookReceiver webhook;
    /** Shared with tests that check the signature. */
    public static final String WEBHOOK_SECRET = "it-webhook-secret-7f3a9c";
    public static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdef";
    /**
     * A probe query whose latency the test controls: each call consumes one unit of
     * {@code guard_slow.budget} and sleeps {@code guard_slow.seconds} while units remain.
     */
    public static final String SLOW_QUERY = "SELECT guard_probe()";
    private Map<String, String> args = Map.of();

    /** The running test's database. */
    public static PgFixture fixture() {
        return fixture;
    }

    /** A scratch directory of the running test (state file, password file). */
    public static Path workDir() {
        return workDir;
    }

    static WebhookReceiver webhook() {
        return webhook;
    }

    /** The next {@code probes} probe queries each sleep {@code seconds}. */
    public static void slowNextProbes(int probes, double seconds) {
        fixture.psql(fixture.database(), "SELECT setval('guard_slow_used', 1, false); UPDATE guard_slow SET budget = "
                + probes + ", seconds = " + seconds);
    }

    public static Path stateFile() {
        return workDir.resolve("run/state.json");
    }

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        try {
            boolean startNow = Boolean.parseBoolean(args.getOrDefault("start", "false"));
            fixture = startNow ? PgFixture.create() : PgFixture.createStopped();
            workDir = Files.createTempDirectory("guard-it-");
            Path passwordFile = workDir.resolve("password");
            Files.writeString(passwordFile, fixture.password() + "\n");
            if (startNow) {
                if (Boolean.parseBoolean(args.getOrDefault("slowQuery", "false"))) {
                    // The budget is counted with a sequence, not a row update: nextval takes no lock, so a
                    // probe that a timeout abandoned while it sleeps never holds up the next one.
                    fixture.psql(fixture.database(), """
                            CREATE TABLE guard_slow (budget bigint NOT NULL, seconds float8 NOT NULL);
                            INSERT INTO guard_slow VALUES (0, 0);
                            CREATE SEQUENCE guard_slow_used;
                            CREATE FUNCTION guard_probe() RETURNS int LANGUAGE plpgsql SECURITY DEFINER AS $$
                            DECLARE allowed bigint; pause float8;
                            BEGIN
                              SELECT budget, seconds INTO allowed, pause FROM guard_slow;
                              IF nextval('guard_slow_used') <= allowed THEN PERFORM pg_sleep(pause); END IF;
                              RETURN 1;
                            END $$;
                            """);
                }
            }
            Map<String, String> config = new HashMap<>();
            config.put("guard.target.instance", fixture.instance());
            config.put("guard.target.socket-dir", fixture.cloudsqlRoot().toString());
            config.put("guard.target.user", fixture.user());
            if (Boolean.parseBoolean(args.getOrDefault("passwordInline", "false"))) {
                config.put("guard.target.password", fixture.password());
            } else {
                config.put("guard.target.password-file", passwordFile.toString());
            }
            config.put("guard.target.database", fixture.database());
            config.put("guard.signal.state-file", stateFile().toString());
            // the tests assert what the guard reports, not how fast: a JVM warming up on a loaded 2-core
            // machine can take longer than the 300 ms default for a round trip on its kept session
            config.put("guard.probe.session-timeout", "1s");
            if (Boolean.parseBoolean(args.getOrDefault("webhook", "false"))) {
                webhook = new WebhookReceiver(WEBHOOK_SECRET);
                config.put("guard.signal.webhook.urls", webhook.url());
                config.put("guard.signal.webhook.secret", WEBHOOK_SECRET);
            }
            if (Boolean.parseBoolean(args.getOrDefault("admin", "false"))) {
                config.put("guard.admin.enabled", "true");
                config.put("guard.admin.token", ADMIN_TOKEN);
            }
            if (Boolean.parseBoolean(args.getOrDefault("slowQuery", "false"))) {
                config.put("guard.probe.query", SLOW_QUERY);
            }
            args.forEach((k, v) -> {
                if (k.startsWith("guard.") || k.startsWith("quarkus.")) {
                    config.put(k, v.replace("${workDir}", workDir.toString()));
                }
            });
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (webhook != null) {
            webhook.close();
            webhook = null;
        }
        if (fixture != null) {
            fixture.close();
        }
        PgFixture.deleteRecursively(workDir);
    }
}
