package dev.cloudsqlguard.loop;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxBuilder;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.spi.transport.Transport;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The small Vert.x instance the query stage's PostgreSQL client runs on, with Netty's epoll
 * transport chosen explicitly: the client reaches a Unix socket (the Cloud SQL proxy's) only
 * through a native transport, and in a native executable Quarkus 3.33 pins its own Vert.x to the
 * JDK transport (a substitution of {@code VertxBuilder.nativeTransport()}). Building the instance
 * with {@code findTransport(new EpollTransport())} bypasses that, in the JVM and in native alike,
 * so both run the same code. One event loop is plenty for one kept session.
 */
@ApplicationScoped
public class EpollVertx {

    private static final Logger LOG = Logger.getLogger(EpollVertx.class);

    private Vertx vertx;

    public synchronized Vertx get() {
        if (vertx == null) {
            VertxOptions options = new VertxOptions()
                    .setEventLoopPoolSize(1)
                    .setWorkerPoolSize(1)
                    .setInternalBlockingPoolSize(1)
                    .setPreferNativeTransport(true);
            Transport epoll = new EpollTransport();
            VertxBuilder builder = new VertxBuilder(options);
            if (epoll.isAvailable()) {
                builder.findTransport(epoll);
            } else {
                LOG.errorf("the epoll transport is unavailable (%s): the query stage cannot reach a Unix socket",
                        epoll.unavailabilityCause());
            }
            vertx = builder.init().vertx();
        }
        return vertx;
    }

    /**
     * Closes the instance, waiting at most {@code bound}. Called by {@link ProbeLoop} once its loops
     * (and their kept sessions) are closed, never by CDI: closed first, the sessions' last close
     * notifications would fail on a dead event loop (Netty's RejectedExecutionException ERRORs).
     */
    public synchronized void close(java.time.Duration bound) {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(bound.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debugf("the probes' Vert.x did not close cleanly in %s: %s", bound, e);
            }
            vertx = null;
        }
    }
}
