package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.probe.ProbeResult;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.Stage;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.wire.HandshakeVerdict;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * Walks the path to one target, stage by stage, and stops at the first stage that fails.
 * Not thread-safe: one probe at a time, from the probe loop's thread (or the {@code wait} command).
 */
public final class StageWalker implements AutoCloseable {

    private final TargetSettings target;
    private final ProbeSettings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final SocketStage socketCheck;
    private final HandshakeStage handshake;
    private final QueryStage query;
    private final ExecutorService resolver;

    public StageWalker(TargetSettings target, ProbeSettings settings, Vertx vertx, Clock clock, LongSupplier nanoTime) {
        this.target = target;
        this.settings = settings;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.resolver = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "guard-dns");
            t.setDaemon(true);
            return t;
        });
        this.socketCheck = new SocketStage(resolver);
        this.handshake = new HandshakeStage(nanoTime);
        this.query = target.hasCredentials()
                ? new VertxQueryStage(vertx, target.endpoint(), target.database(), target.user().get(),
                        target.password().orElse(null), settings.query(), target.requirePrimary(),
                        settings.sessionMaxAge(), nanoTime)
                : null;
    }

    /** Runs one probe. Never throws: every failure is a result. */
    public ProbeResult probe() {
        StageTimer recorder = new StageTimer(target.name(), settings.slowThreshold(), clock, nanoTime);
        try {
            recorder.begin(Stage.SOCKET);
            SocketAddress address;
            if (target.endpoint() instanceof Endpoint.UnixSocket unix) {
                socketCheck.checkSocketFile(unix.socketFile());
                address = UnixDomainSocketAddress.of(unix.socketFile());
            } else {
                Endpoint.Tcp tcp = (Endpoint.Tcp) target.endpoint();
                InetAddress resolved = socketCheck.resolve(tcp.host(), settings.timeout());
                address = HandshakeStage.tcpAddress(resolved, tcp.port());
            }
            HandshakeVerdict verdict = handshake.run(address, target.handshakeUser(), target.database(),
                    settings.timeout(), recorder);
            if (query == null) {
                return recorder.succeeded("server accepts connections (" + verdict.detail() + ")");
            }
            recorder.begin(Stage.QUERY);
            return recorder.succeeded(query.run(settings.timeout()));
        } catch (StageFailure failure) {
            return recorder.failed(failure.reason(), failure.sqlState(), failure.getMessage());
        } catch (RuntimeException unexpected) {
            // A bug must not kill the loop; report it where it happened.
            Stage stage = recorder.stage() == null ? Stage.SOCKET : recorder.stage();
            Reason reason = stage == Stage.QUERY ? Reason.QUERY_FAILED
                    : stage == Stage.HANDSHAKE ? Reason.PROTOCOL_ERROR : Reason.IO_ERROR;
            return recorder.failed(reason, null, "unexpected " + unexpected.getClass().getSimpleName()
                    + ": " + unexpected.getMessage());
        }
    }

    /** Sessions the query stage has opened since start (1 in steady state). */
    public long sessionsOpened() {
        return query == null ? 0 : query.sessionsOpened();
    }

    public TargetSettings target() {
        return target;
    }

    @Override
    public void close() {
        if (query != null) {
            query.close();
        }
        resolver.shutdownNow();
    }
}
