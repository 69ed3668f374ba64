package dev.cloudsqlguard.signal;

import dev.cloudsqlguard.state.EventDocument;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.state.GuardState;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.GuardUpdate;
import dev.cloudsqlguard.state.StatusDocument;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code /guard/events} subscribers. A new subscriber first gets the current state (event
 * {@code state}), then one event per transition and {@code started}. The first event is written on
 * the request's own thread, before the subscriber is added: it writes the response head, and another
 * thread that wrote to the sink at the same time as Quarkus REST writes the head of an SSE response
 * (after the resource method) could leave a browser's EventSource waiting for a head that never
 * came (seen once in CI: the page said "connecting" for 40 s while its polling worked). Every later
 * send goes through one thread, so every subscriber sees events in order and the probe loop only
 * enqueues; a lock around the first event and each broadcast means a subscriber misses no
 * transition (it may see one twice: once in its first state, once as an event, with the same sequence).
 * Keep-alive comments every guard.signal.sse-keep-alive keep idle proxies from closing the stream;
 * that same thread checks for them once a second, from {@link #start} on (not a Quarkus
 * {@code @Scheduled} method: the scheduler would fire once even when startup checks end the
 * process, after the container is gone, and log an ERROR with a stack trace).
 */
@ApplicationScoped
public class SseSignal implements Signal {

    private static final Logger LOG = Logger.getLogger(SseSignal.class);

    @Inject
    GuardStateStore store;

    private final Set<SseEventSink> sinks = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "guard-sse");
        t.setDaemon(true);
        return t;
    });
    private volatile Sse sse;
    private volatile Duration keepAlive = Duration.ofSeconds(15);
    private volatile Instant lastSent = Instant.now();

    @Override
    public void start(GuardSettings settings, GuardState initial) {
        this.keepAlive = settings.signal().sseKeepAlive();
        sender.scheduleWithFixedDelay(this::keepAlive, 1, 1, TimeUnit.SECONDS);
    }

    /** Sends the current state to a new subscriber, on the caller's thread, then registers it for what follows. */
    public void subscribe(SseEventSink sink, Sse sse) {
        this.sse = sse;
        synchronized (sinks) {
            var state = store.current();
            send(sink, sse.newEventBuilder()
                    .name("state")
                    .id(Long.toString(state.sequence()))
                    .reconnectDelay(2000)
                    .data(String.class, StatusDocument.of(state).toString())
                    .build());
            if (!sink.isClosed()) {
                sinks.add(sink);
            }
        }
    }

    void onUpdate(@Observes GuardUpdate update) {
        Sse factory = sse;
        if (factory == null || sinks.isEmpty()) {
            return;
        }
        for (EventDocument.Event e : EventDocument.from(update)) {
            OutboundSseEvent event = factory.newEventBuilder()
                    .name(e.type())
                    .id(Long.toString(e.sequence()))
                    .data(String.class, e.body().toString())
                    .build();
            sender.execute(() -> broadcast(event));
        }
    }

    /** Sends a keep-alive comment when the stream has been quiet for the configured interval (on the sender thread). */
    void keepAlive() {
        Sse factory = sse;
        if (factory == null || sinks.isEmpty()) {
            return;
        }
        try {
            if (Duration.between(lastSent, Instant.now()).compareTo(keepAlive) >= 0) {
                broadcast(factory.newEventBuilder().comment("keep-alive").build());
            }
        } catch (RuntimeException e) { // a periodic task that throws is never run again
            LOG.debugf("SSE keep-alive not sent: %s", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        sender.shutdownNow();
        for (SseEventSink sink : sinks) {
            sink.close();
        }
    }

    private void broadcast(OutboundSseEvent event) {
        synchronized (sinks) {
            for (SseEventSink sink : sinks) {
                send(sink, event);
            }
        }
        lastSent = Instant.now();
    }

    private void send(SseEventSink sink, OutboundSseEvent event) {
        if (sink.isClosed()) {
            sinks.remove(sink);
            return;
        }
        try {
            sink.send(event).whenComplete((ok, error) -> {
                if (error != null) {
                    gone(sink, error);
                }
            });
        } catch (IllegalStateException closedMeanwhile) {
            gone(sink, closedMeanwhile);
        }
    }

    private void gone(SseEventSink sink, Throwable why) {
        LOG.debugf("SSE subscriber gone: %s", why.toString());
        sinks.remove(sink);
        sink.close();
    }
}
