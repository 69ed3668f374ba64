package dev.cloudsqlguard.probe.walk;

import dev.cloudsqlguard.config.Endpoint;
import dev.cloudsqlguard.config.PasswordSource;
import dev.cloudsqlguard.config.ProbeSettings;
import dev.cloudsqlguard.config.TargetSettings;
import dev.cloudsqlguard.config.TlsMode;
import dev.cloudsqlguard.probe.Reason;
import dev.cloudsqlguard.probe.ServerReading;
import dev.cloudsqlguard.probe.StageFailure;
import dev.cloudsqlguard.probe.wire.SqlStateClassifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The query stage on the Vert.x reactive PostgreSQL client. One authenticated connection is kept
 * open and reused: steady state opens no new session per probe. The client bounds neither the
 * authentication nor a query, so every wait here is bounded by the stage timeout; a connection
 * whose state is unknown after a timeout is closed and replaced on the next probe.
 */
public final class VertxQueryStage implements QueryStage {

    private final Vertx vertx;
    private final Endpoint endpoint;
    private final String database;
    private final String user;
    private final PasswordSource password;
    /** The probe query and the server reading, one simple-query message. */
    private final String statement;
    private final Duration maxAge;
    private final LongSupplier nanoTime;
    /** The same TLS as the tls stage's, or null for none. */
    private final TlsContext tls;

    private volatile PgConnection connection;
    /** Closes under way of dropped sessions: {@link #close} waits for them. */
    private final Set<Future<Void>> closing = ConcurrentHashMap.newKeySet();
    private volatile boolean broken;
    private long openedAt;

    /**
     * The query stage of a target, or none for a target without a user (its probe stops after the
     * handshake). The event loop is asked for only when there is a stage to run on it.
     */
    public static Optional<QueryStage> of(TargetSettings target, ProbeSettings probe, Supplier<Vertx> vertx,
            LongSupplier nanoTime) {
        if (!target.hasCredentials()) {
            return Optional.empty();
        }
        return Optional.of(new VertxQueryStage(vertx.get(), target.endpoint(), target.database(), target.user().get(),
                target.password().orElse(null), probe.query(), probe.sessionMaxAge(),
                nanoTime, TlsContext.of(target.tls()).orElse(null)));
    }

    private VertxQueryStage(Vertx vertx, Endpoint endpoint, String database, String user, PasswordSource password,
            String query, Duration maxAge, LongSupplier nanoTime, TlsContext tls) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.database = database;
        this.user = user;
        this.password = password;
        this.statement = ReadingStatement.after(query);
        this.maxAge = maxAge;
        this.nanoTime = nanoTime;
        this.tls = tls;
    }

    @Override
    public boolean sessionHealthy() {
        return connection != null && !broken;
    }

    @Override
    public boolean sessionDue() {
        return connection != null && nanoTime.getAsLong() - openedAt > maxAge.toNanos();
    }

    @Override
    public ServerReading runOnKeptSession(Duration timeout) throws StageFailure {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        PgConnection kept = connection;
        if (kept == null || broken) {
            throw new StageFailure(Reason.QUERY_FAILED, "the kept session closed since the last probe");
        }
        return execute(kept, deadline, timeout);
    }

    @Override
    public ServerReading run(Duration timeout) throws StageFailure {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        boolean reused = sessionHealthy() && !sessionDue();
        if (!reused) {
            dropConnection();
            connection = open(deadline, timeout);
        }
        try {
            return execute(connection, deadline, timeout);
        } catch (StageFailure failure) {
            if (reused && failure.failure().reason() == Reason.QUERY_FAILED && broken) {
                // The kept connection died since the last probe (server restart, idle kill):
                // that is not the database failing, so reconnect once within the same budget.
                dropConnection();
                connection = open(deadline, timeout);
                return execute(connection, deadline, timeout);
            }
            throw failure;
        }
    }

    /**
     * Closes the kept session and every dropped one whose close has not completed (one abandoned
     * by a timeout on a hung server closes only when it answers or its socket goes), and waits
     * (briefly) for them, so that the event loop is not shut down under their last notifications.
     */
    @Override
    public void close() {
        dropConnection();
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(250);
        for (Future<Void> closing : List.copyOf(closing)) {
            try {
                closing.toCompletionStage().toCompletableFuture().get(Math.max(0, deadline - nanoTime.getAsLong()),
                        TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // a session that cannot close cleanly is dropped with its event loop
            }
        }
    }

    private PgConnection open(long deadline, Duration timeout) throws StageFailure {
        PgConnectOptions options = new PgConnectOptions()
                .setDatabase(database)
                .setUser(user)
                .setConnectTimeout((int) Math.max(1, timeout.toMillis()))
                .setReconnectAttempts(0)
                .setCachePreparedStatements(false)
                // only what a default PgBouncer accepts: the client's own defaults add extra_float_digits
                // and others, which a pooler refuses (08P01 unsupported startup parameter)
                .setProperties(new HashMap<>(Map.of("application_name", HandshakeStage.APPLICATION_NAME)));
        if (endpoint instanceof Endpoint.UnixSocket unix) {
            // The client takes the socket directory as host and builds <dir>/.s.PGSQL.<port>.
            options.setHost(unix.directory().toString()).setPort(unix.port());
        } else {
            Endpoint.Tcp tcp = (Endpoint.Tcp) endpoint;
            options.setHost(tcp.host()).setPort(tcp.port());
            if (tls != null) {
                // the tls stage's trust and key managers: both stages accept exactly the same servers
                options.setSslMode(SslMode.of(tls.mode().code()))
                        .setTrustOptions(TrustOptions.wrap(tls.trustManager()));
                tls.keyManager().ifPresent(key -> options.setKeyCertOptions(KeyCertOptions.wrap(key)));
                if (tls.mode() == TlsMode.VERIFY_FULL) {
                    options.setHostnameVerificationAlgorithm("HTTPS");
                }
            }
        }
        if (password != null) {
            try {
                options.setPassword(password.read());
            } catch (IOException e) {
                throw new StageFailure(Reason.AUTH_FAILED, "cannot read the password file (" + e.getClass().getSimpleName() + ")");
            }
        }
        Future<PgConnection> pending = PgConnection.connect(vertx, options);
        try {
            PgConnection opened = await(pending, deadline);
            openedAt = nanoTime.getAsLong();
            broken = false;
            opened.closeHandler(v -> broken = true);
            opened.exceptionHandler(e -> broken = true);
            return opened;
        } catch (TimeoutException e) {
            // Do not leak the session if it completes after we gave up on it.
            pending.onSuccess(PgConnection::close);
            throw new StageFailure(Reason.QUERY_TIMEOUT,
                    "opening the authenticated session took longer than " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw classify(e.getCause(), "opening the session");
        }
    }

    private ServerReading execute(PgConnection conn, long deadline, Duration timeout) throws StageFailure {
        try {
            RowSet<Row> result = await(conn.query(statement).execute(), deadline);
            while (result.next() != null) {
                result = result.next(); // the probe query's own results come first: the reading is the last
            }
            Row row = result.iterator().hasNext() ? result.iterator().next() : null;
            if (row == null || row.size() < 6) {
                throw new StageFailure(Reason.QUERY_FAILED, "the server reading came back empty");
            }
            return ReadingStatement.parse(row.getInteger(0), row.getInteger(1), row.getBoolean(2), row.getBoolean(3),
                    row.getDouble(4), row.getString(5));
        } catch (TimeoutException e) {
            broken = true; // a statement may still be running on it: start afresh next time
            throw new StageFailure(Reason.QUERY_TIMEOUT, "the probe query took longer than " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw classify(e.getCause(), "running the probe query");
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new StageFailure(Reason.QUERY_FAILED, "reading the server's figures: " + e.getMessage());
        }
    }

    private <T> T await(Future<T> future, long deadline) throws TimeoutException, ExecutionException, StageFailure {
        CompletableFuture<T> completion = future.toCompletionStage().toCompletableFuture();
        long left = deadline - nanoTime.getAsLong();
        try {
            return completion.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StageFailure(Reason.QUERY_FAILED, "interrupted");
        }
    }

    private StageFailure classify(Throwable cause, String doing) {
        if (cause instanceof PgException pg) {
            String sqlState = pg.getSqlState();
            String detail = pg.getErrorMessage();
            if (SqlStateClassifier.refusesUnencrypted(sqlState, detail)) {
                return new StageFailure(Reason.TLS_REQUIRED, sqlState, detail);
            }
            Reason reason = SqlStateClassifier.atQuery(sqlState);
            if (reason == Reason.AUTH_FAILED && detail != null && detail.contains("client certificate")) {
                detail += tls != null && tls.keyManager().isPresent()
                        ? "; the client certificate (ssl-cert) was not accepted, or not sent because the server "
                                + "names no CA that signed it (its ssl_ca_file)"
                        : "; the server wants a client certificate: set ssl-cert and ssl-key";
            } else if (reason == Reason.AUTH_FAILED && password == null) {
                detail += "; " + user + " has no password here: for an IAM database user the Cloud SQL proxy "
                        + "authenticates, and only with --auto-iam-authn (the user is the service account's email "
                        + "without .gserviceaccount.com)";
            }
            return new StageFailure(reason, sqlState, detail);
        }
        if (cause instanceof ClosedConnectionException) {
            broken = true;
            return new StageFailure(Reason.QUERY_FAILED, "the connection closed while " + doing);
        }
        if (tls != null && cause instanceof javax.net.ssl.SSLException) {
            broken = true;
            return new StageFailure(Reason.TLS_FAILED, doing + ": " + TlsFailures.describe(cause,
                    ((Endpoint.Tcp) endpoint).host(), tls.rootsSource()));
        }
        if (tls != null && cause != null && String.valueOf(cause.getMessage()).contains("does not handle SSL")) {
            return new StageFailure(Reason.TLS_UNAVAILABLE, doing + ": the server declined TLS and ssl-mode is "
                    + tls.mode().code());
        }
        if (cause instanceof ConnectException) {
            return new StageFailure(Reason.CONNECT_REFUSED, doing + ": " + cause.getMessage());
        }
        broken = true;
        String message = cause == null ? "unknown error" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new StageFailure(Reason.QUERY_FAILED, doing + " failed: " + message);
    }

    private void dropConnection() {
        PgConnection old = connection;
        connection = null;
        if (old != null) {
            Future<Void> closed = old.close();
            closing.add(closed);
            closed.onComplete(done -> closing.remove(closed));
        }
    }
}
