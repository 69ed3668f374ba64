package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsMode;
import dev.cloudsqlguard.probe.Failure;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.TlsSession;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Walks the path to one target, stage by stage, and stops at the first stage that fails; or, while
 * the kept session is healthy, probes with one round trip on it, or renews it ({@link WalkSchedule}
 * says which). The
 * walker owns every stage boundary (each {@link StageTimer#begin} is here, in the stages' order);
 * a stage only does its work and throws its {@link Failure} when the path is broken there.
 * Not thread-safe: one probe at a time, from the probe loop's thread (or the {@code wait} command).
 */
public final class StageWalker implements AutoCloseable {

    private final TargetSettings target;
    private final ProbeSettings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final SocketStage socket = new SocketStage();
    private final ConnectStage connect;
    private final TlsStage tlsStage = new TlsStage();
    private final HandshakeStage handshake = new HandshakeStage();
    /** The target's TLS, or null when it never uses TLS (a socket, {@code ssl-mode=disable}). */
    private final TlsContext tls;
    private final QueryStage query;
    private final WalkSchedule schedule;

    /** @param query the query stage (see {@link VertxQueryStage#of}); none for a target without a user */
    public StageWalker(TargetSettings target, ProbeSettings settings, Optional<QueryStage> query, Clock clock,
            LongSupplier nanoTime) {
        this.target = target;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.connect = new ConnectStage(nanoTime);
        this.tls = TlsContext.of(target.tls()).orElse(null);
        this.query = query.orElse(null);
        this.schedule = new WalkSchedule(settings.newConnectionInterval());
    }

    /**
     * Runs one probe: a walk of every stage on a new connection, or one round trip on the kept session,
     * as {@link WalkSchedule} decides. Never throws: every failure is a result.
     */
    public ProbeResult probe() {
        long start = nanoTime.getAsLong();
        if (query == null) {
            return walk();
        }
        ProbeResult result = switch (schedule.next(start, query.sessionHealthy(), query.sessionDue())) {
            case KEPT_SESSION -> onKeptSession();
            case NEW_CONNECTION -> walk();
            case NEW_SESSION -> renewSession();
        };
        schedule.record(start, result);
        return result;
    }

    /** The stages in order, from the socket, on a new connection; then the query on the kept session. */
    private ProbeResult walk() {
        StageTimer timer = new StageTimer(target.name(), settings.slowThreshold(), clock, nanoTime);
        Duration timeout = settings.timeout();
        try {
            timer.begin(Stage.SOCKET);
            SocketAddress address = socket.run(target.endpoint(), timeout);
            timer.begin(Stage.CONNECT);
            String answer;
            try {
                answer = reach(address, timer, timeout, tls != null && tls.mode().triesTlsFirst());
            } catch (StageFailure plainRefused) {
                if (plainRefused.failure().reason() != Reason.TLS_REQUIRED || tls == null || tls.mode() != TlsMode.ALLOW) {
                    throw plainRefused;
                }
                // allow: plain text first, TLS on a new connection once the server refuses plain text
                timer.begin(Stage.CONNECT);
                answer = reach(address, timer, timeout, true);
            }
            timer.authentication(answer);
            if (query == null) {
                return timer.succeeded("server accepts connections (it asked for " + answer + " authentication)");
            }
            timer.begin(Stage.QUERY);
            return judge(timer, query.run(timeout), "query succeeded");
        } catch (StageFailure failure) {
            return timer.failed(failure.failure());
        } catch (RuntimeException unexpected) {
            return unexpected(timer, unexpected);
        }
    }

    /**
     * One round trip on the kept session, bounded by the session timeout: no new connection. A session
     * found closed (the server ended it, a pooler's lifetime, an idle kill) is not the database failing:
     * the probe walks a new connection instead, which also opens a new session.
     */
    private ProbeResult onKeptSession() {
        StageTimer timer = new StageTimer(target.name(), settings.slowThreshold(), clock, nanoTime);
        try {
            timer.begin(Stage.QUERY);
            return judge(timer, query.runOnKeptSession(settings.sessionBound()), "query succeeded on the kept session");
        } catch (StageFailure failure) {
            if (failure.failure().reason() == Reason.QUERY_FAILED && !query.sessionHealthy()) {
                return walk();
            }
            return timer.failed(failure.failure());
        } catch (RuntimeException unexpected) {
            return unexpected(timer, unexpected);
        }
    }

    /**
     * The socket, then a new session in place of one older than its maximum age: the login is this
     * walk's new connection (it proves the path the handshake would, and the credentials), so the
     * credential-free handshake is left out. A failure is followed at once by a full walk.
     */
    private ProbeResult renewSession() {
        StageTimer timer = new StageTimer(target.name(), settings.slowThreshold(), clock, nanoTime);
        try {
            timer.begin(Stage.SOCKET);
            socket.run(target.endpoint(), settings.timeout());
            timer.begin(Stage.QUERY);
            return judge(timer, query.run(settings.timeout()), "query succeeded on a renewed session");
        } catch (StageFailure failure) {
            return timer.failed(failure.failure());
        } catch (RuntimeException unexpected) {
            return unexpected(timer, unexpected);
        }
    }

    /** A reading the server answered with: the probe's success, unless the target refuses this server. */
    private ProbeResult judge(StageTimer timer, ServerReading reading, String detail) throws StageFailure {
        timer.read(reading);
        Optional<Failure> refusal = reading.refusal(target.role(), target.maxReplicationLag());
        if (refusal.isPresent()) {
            throw new StageFailure(refusal.get());
        }
        return timer.succeeded(detail);
    }

    /** A bug must not kill the loop; report it where it happened. */
    private static ProbeResult unexpected(StageTimer timer, RuntimeException unexpected) {
        Stage stage = timer.stage() == null ? Stage.SOCKET : timer.stage();
        Reason reason = stage == Stage.QUERY ? Reason.QUERY_FAILED
                : stage == Stage.HANDSHAKE ? Reason.PROTOCOL_ERROR
                : stage == Stage.TLS ? Reason.TLS_FAILED : Reason.IO_ERROR;
        return timer.failed(Failure.of(reason, "unexpected " + unexpected.getClass().getSimpleName()
                + ": " + unexpected.getMessage()));
    }

    /** Connects, negotiates TLS if asked to, and runs the handshake: the stages of one fresh connection. */
    private String reach(SocketAddress address, StageTimer timer, Duration timeout, boolean askTls) throws StageFailure {
        try (Connection c = connect.run(address, timeout)) {
            boolean encrypted = false;
            if (askTls) {
                timer.begin(Stage.TLS);
                long deadline = c.now() + timeout.toNanos();
                boolean offered;
                try {
                    offered = tlsStage.request(c, tls, deadline, timeout);
                } catch (StageFailure unanswered) {
                    if (unanswered.failure().reason() != Reason.TLS_UNAVAILABLE) {
                        timer.continueAs(Stage.HANDSHAKE); // the server did not answer its first message
                    }
                    throw unanswered;
                }
                if (offered) {
                    TlsSession session = tlsStage.negotiate(c, tls, (Endpoint.Tcp) target.endpoint(), deadline, timeout);
                    timer.negotiated(session);
                    encrypted = true;
                    timer.begin(Stage.HANDSHAKE);
                } else {
                    timer.continueAs(Stage.HANDSHAKE); // declined: no tls stage, the round trip is the handshake's
                }
            } else {
                timer.begin(Stage.HANDSHAKE);
            }
            return handshake.run(c, target.handshakeUser(), target.database(), encrypted, timeout);
        } catch (IOException closing) {
            throw new StageFailure(Reason.IO_ERROR, ConnectStage.describe(closing));
        }
    }

    @Override
    public void close() {
        if (query != null) {
            query.close();
        }
        socket.close();
    }
}
