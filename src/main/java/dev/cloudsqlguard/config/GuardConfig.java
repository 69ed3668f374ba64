package dev.cloudsqlguard.config;

import io.smallrye.config.ConfigMapping;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code guard.*} properties as Quarkus reads them (from application.properties, system
 * properties or {@code GUARD_…} environment variables). Every value stays a raw string here:
 * {@link SettingsParser} owns defaults, parsing and validation, so that one bad value yields one
 * clear line naming the property instead of a converter stack trace.
 */
@ConfigMapping(prefix = "guard")
public interface GuardConfig {

    Target target();

    Probe probe();

    Circuit circuit();

    Signal signal();

    Admin admin();

    interface Target {
        Optional<String> name();

        Optional<String> instance();

        Optional<String> socketDir();

        Optional<String> socket();

        Optional<String> host();

        Optional<String> port();

        Optional<String> database();

        Optional<String> user();

        Optional<String> password();

        Optional<String> passwordFile();

        Optional<String> requirePrimary();
    }

    interface Probe {
        Optional<String> interval();

        Optional<String> timeout();

        Optional<String> startupInterval();

        Optional<String> slowThreshold();

        Optional<String> query();

        Optional<String> sessionMaxAge();
    }

    interface Circuit {
        Optional<String> windowSize();

        Optional<String> minimumProbes();

        Optional<String> failureRateThreshold();

        Optional<String> slowRateThreshold();

        Optional<String> openWait();

        Optional<String> openWaitSpread();

        Optional<String> halfOpenProbes();

        Optional<String> recheckInterval();
    }

    interface Signal {
        Optional<String> stateFile();

        Optional<String> sseKeepAlive();

        Webhook webhook();

        interface Webhook {
            Optional<String> urls();

            Optional<String> secret();

            Optional<String> timeout();

            Optional<String> maxAttempts();

            Optional<String> backoff();

            Optional<String> queueSize();
        }
    }

    interface Admin {
        Optional<String> enabled();

        Optional<String> token();
    }

    /** The raw values keyed by full property name, for {@link SettingsParser#parse}. */
    default Map<String, String> raw() {
        Map<String, String> m = new LinkedHashMap<>();
        Target t = target();
        put(m, "guard.target.name", t.name());
        put(m, "guard.target.instance", t.instance());
        put(m, "guard.target.socket-dir", t.socketDir());
        put(m, "guard.target.socket", t.socket());
        put(m, "guard.target.host", t.host());
        put(m, "guard.target.port", t.port());
        put(m, "guard.target.database", t.database());
        put(m, "guard.target.user", t.user());
        put(m, "guard.target.password", t.password());
        put(m, "guard.target.password-file", t.passwordFile());
        put(m, "guard.target.require-primary", t.requirePrimary());
        Probe p = probe();
        put(m, "guard.probe.interval", p.interval());
        put(m, "guard.probe.timeout", p.timeout());
        put(m, "guard.probe.startup-interval", p.startupInterval());
        put(m, "guard.probe.slow-threshold", p.slowThreshold());
        put(m, "guard.probe.query", p.query());
        put(m, "guard.probe.session-max-age", p.sessionMaxAge());
        Circuit c = circuit();
        put(m, "guard.circuit.window-size", c.windowSize());
        put(m, "guard.circuit.minimum-probes", c.minimumProbes());
        put(m, "guard.circuit.failure-rate-threshold", c.failureRateThreshold());
        put(m, "guard.circuit.slow-rate-threshold", c.slowRateThreshold());
        put(m, "guard.circuit.open-wait", c.openWait());
        put(m, "guard.circuit.open-wait-spread", c.openWaitSpread());
        put(m, "guard.circuit.half-open-probes", c.halfOpenProbes());
        put(m, "guard.circuit.recheck-interval", c.recheckInterval());
        Signal s = signal();
        put(m, "guard.signal.state-file", s.stateFile());
        put(m, "guard.signal.sse-keep-alive", s.sseKeepAlive());
        put(m, "guard.signal.webhook.urls", s.webhook().urls());
        put(m, "guard.signal.webhook.secret", s.webhook().secret());
        put(m, "guard.signal.webhook.timeout", s.webhook().timeout());
        put(m, "guard.signal.webhook.max-attempts", s.webhook().maxAttempts());
        put(m, "guard.signal.webhook.backoff", s.webhook().backoff());
        put(m, "guard.signal.webhook.queue-size", s.webhook().queueSize());
        Admin a = admin();
        put(m, "guard.admin.enabled", a.enabled());
        put(m, "guard.admin.token", a.token());
        return m;
    }

    private static void put(Map<String, String> m, String key, Optional<String> value) {
        value.ifPresent(v -> m.put(key, v));
    }
}
