package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.circuit.CircuitState;
import dev.cloudsqlguard.circuit.CircuitTransition;
import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.probe.Outcome;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.TargetState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Every Prometheus metric of the guard, in one place (all named {@code guard_…}): probe latency by
 * stage, probes by outcome and reason, circuit state and transitions, target up, last success, the
 * server's connections, headroom and replication lag, the startup gate, and the webhooks' queue depth
 * and results. Label values come only from fixed vocabularies
 * (target names from configuration, stage, outcome, reason codes, circuit states): never an
 * error message. Gauges read the published state, so a scrape never touches the database.
 */
@ApplicationScoped
public class GuardMetrics implements Signal {

    /** From sub-millisecond socket checks to multi-second timeouts. */
    static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };

    @Inject
    MeterRegistry registry;

    @Inject
    GuardStateStore store;

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Pre-creates every series of every target, so that rate() and alerts work from the first scrape. */
    @Override
    public void start(GuardSettings settings, GuardState initial) {
        initial.targets().keySet().forEach(this::register);
        settings.targets().stream().filter(t -> t.tls().enabled()).forEach(t -> Gauge.builder(
                        "guard.tls.certificate.expiry.timestamp.seconds", store, s -> target(s, t.name())
                                .flatMap(TargetState::tls).map(tls -> (double) tls.certificateExpiry().getEpochSecond())
                                .orElse(Double.NaN))
                .description("Unix time at which the server certificate of the target's latest TLS session expires "
                        + "(NaN before one)")
                .tags("target", t.name())
                .register(registry));
        Gauge.builder("guard.started", store, s -> s.current().started() ? 1.0 : 0.0)
                .description("1 once every target has had one fully successful probe (latched)")
                .register(registry);
    }

    /** A webhook receiver (by its index in guard.signal.webhook.urls, never its URL): queue depth and results. */
    void webhookReceiver(int receiver, IntSupplier depth) {
        Gauge.builder("guard.webhook.queue.depth", depth, IntSupplier::getAsInt)
                .description("Events waiting for delivery to the webhook")
                .tags("receiver", Integer.toString(receiver))
                .strongReference(true)
                .register(registry);
        for (WebhookDelivery.Result r : WebhookDelivery.Result.values()) {
            webhookEvents(receiver, r);
        }
    }

    void webhookEvent(int receiver, WebhookDelivery.Result result) {
        webhookEvents(receiver, result).increment();
    }

    void onUpdate(@Observes GuardUpdate update) {
        update.probe().ifPresent(this::recordProbe);
        for (TargetEvent e : update.events()) {
            if (e instanceof TargetEvent.Transitioned tr) {
                CircuitTransition t = tr.transition();
                transitions(t.target(), t.from(), t.to()).increment();
            }
        }
    }

    private void recordProbe(ProbeResult r) {
        for (Map.Entry<Stage, Duration> e : r.latencies().entrySet()) {
            timer(r.target(), e.getKey()).record(e.getValue().toNanos(), TimeUnit.NANOSECONDS);
        }
        probes(r.target(), r.outcome().code(), r.reasonCode()).increment();
    }

    private void register(String target) {
        for (Stage stage : Stage.values()) {
            timer(target, stage);
        }
        probes(target, Outcome.OK.code(), "none");
        probes(target, Outcome.SLOW.code(), "none");
        for (Reason reason : Reason.values()) {
            probes(target, Outcome.FAILED.code(), reason.code());
        }
        // The automatic transitions exist from the start, so increase() works on the first one.
        transitions(target, CircuitState.CLOSED, CircuitState.OPEN);
        transitions(target, CircuitState.OPEN, CircuitState.HALF_OPEN);
        transitions(target, CircuitState.HALF_OPEN, CircuitState.CLOSED);
        transitions(target, CircuitState.HALF_OPEN, CircuitState.OPEN);
        for (CircuitState state : CircuitState.values()) {
            Gauge.builder("guard.circuit.state", store, s -> circuitIs(s, target, state))
                    .description("1 for the target's current circuit state, 0 for the others")
                    .tags("target", target, "state", state.code())
                    .register(registry);
        }
        Gauge.builder("guard.target.up", store, s -> target(s, target)
                        .flatMap(TargetState::lastResult).map(r -> r.succeeded() ? 1.0 : 0.0).orElse(0.0))
                .description("1 if the latest probe of the target reached the database")
                .tags("target", target)
                .register(registry);
        serverGauge(target, "guard.db.connections", "Client connections in use on the target's server (latest reading; "
                + "NaN before one)", r -> r.connectionsUsed());
        serverGauge(target, "guard.db.connections.limit", "Connections the app can use on the target's server: "
                + "max_connections minus the reserved slots (latest reading; NaN before one)", r -> r.connectionsLimit());
        serverGauge(target, "guard.replication.lag.seconds", "How far the target's replay is behind its primary, 0 when "
                + "it replayed all it received (NaN on a primary, or before a reading)",
                r -> r.replicationLag().map(lag -> lag.toNanos() / 1e9).orElse(Double.NaN));
        Gauge.builder("guard.db.connections.headroom.low", store, s -> target(s, target)
                        .map(t -> t.headroomLow() ? 1.0 : 0.0).orElse(0.0))
                .description("1 while the target's free connection slots are under " + Catalogue.PROBE_HEADROOM_WARNING.key())
                .tags("target", target)
                .register(registry);
        Gauge.builder("guard.last.success.timestamp.seconds", store, s -> target(s, target)
                        .flatMap(TargetState::lastSuccess).map(i -> i.toEpochMilli() / 1000.0).orElse(0.0))
                .description("Unix time of the target's latest successful probe (0 before the first)")
                .tags("target", target)
                .register(registry);
    }

    /** A gauge of the target's latest server reading: NaN until a probe read one. */
    private void serverGauge(String target, String name, String description, ToDoubleFunction<ServerReading> figure) {
        Gauge.builder(name, store, s -> target(s, target).flatMap(TargetState::reading)
                        .map(r -> figure.applyAsDouble(r.figures())).orElse(Double.NaN))
                .description(description)
                .tags("target", target)
                .register(registry);
    }

    private Timer timer(String target, Stage stage) {
        return timers.computeIfAbsent(target + '\u0000' + stage, k -> Timer.builder("guard.probe.duration")
                .description("Latency of each probe stage")
                .tags("target", target, "stage", stage.code())
                .serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0])
                .maximumExpectedValue(BUCKETS[BUCKETS.length - 1])
                .register(registry));
    }

    private Counter transitions(String target, CircuitState from, CircuitState to) {
        return counter("guard.circuit.transitions", "Circuit state changes", "target", target,
                "from", from.code(), "to", to.code());
    }

    private Counter probes(String target, String outcome, String reason) {
        return counter("guard.probes", "Probes by outcome and reason", "target", target, "outcome", outcome,
                "reason", reason);
    }

    private Counter webhookEvents(int receiver, WebhookDelivery.Result result) {
        return counter("guard.webhook.events", "Webhook events by final result", "receiver",
                Integer.toString(receiver), "result", result.code());
    }

    private Counter counter(String name, String description, String... tags) {
        String key = name + '\u0000' + String.join("\u0000", tags);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags)
                .register(registry));
    }

    private static Optional<TargetState> target(GuardStateStore store, String target) {
        return Optional.ofNullable(store.current().targets().get(target));
    }

    private static double circuitIs(GuardStateStore store, String target, CircuitState state) {
        return target(store, target).map(t -> t.circuit().state() == state ? 1.0 : 0.0).orElse(0.0);
    }
}
