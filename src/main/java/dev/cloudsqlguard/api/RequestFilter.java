package dev.cloudsqlguard.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * The first route of every request, and its first failure handler: what a hostile or broken client
 * sends is answered here with a short 4xx, before a handler can log an ERROR about it or echo it back.
 * <ul>
 * <li>An HTTP version other than 1.0 and 1.1 ({@code HTTP/9.9}, {@code HTTP/2.0} on a cleartext
 * connection, {@code FOO/1.1}: Netty's decoder accepts any {@code NAME/x.y}) is 400 (a client's
 * error: never a 5xx, not even 505), and the connection is closed. Vert.x would answer it 501 before
 * any route when its WebSocket support is on, which Quarkus turns off at startup on the JVM but not in
 * the native executable (where the flag was read at build time); {@code -J-Dvertx.disableWebsockets=true}
 * in the native build makes both bring it here.
 * <li>A request with two {@code Host} headers, or an HTTP/1.1 request without one, is 400.
 * <li>The read-only endpoints (health, metrics, status, events) answer GET and HEAD only: 405 with
 * {@code Allow: GET, HEAD} (SmallRye Health and Micrometer would answer a DELETE like a GET).
 * <li>An {@code Accept} header longer than {@value #MAX_ACCEPT} characters on {@code /q/metrics} is
 * 406 without it (Micrometer's 406 quotes the whole header in its status line).
 * <li>A request the router itself refuses before any route (no {@code Host} with an unknown version,
 * a path not starting with {@code /}) fails with a 4xx: the failure handler answers it in a line,
 * where Quarkus's error handler would log an ERROR with a stack trace for each one.
 * </ul>
 */
@ApplicationScoped
public class RequestFilter {

    static final List<String> READ_ONLY = List.of("/q/health", "/q/metrics", "/guard/status", "/guard/events", "/guard/history", "/guard/", "/guard/index.html");
    static final int MAX_ACCEPT = 256;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::filter).failureHandler(RequestFilter::clientFailure);
    }

    private void filter(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpVersion version = request.version();
        if (version == null) {
            ctx.response().putHeader("Connection", "close");
            end(ctx, 400, "HTTP/1.0 and HTTP/1.1 only");
            return;
        }
        int hosts = request.headers().getAll("Host").size();
        if (hosts > 1 || (hosts == 0 && version == HttpVersion.HTTP_1_1)) {
            end(ctx, 400, "an HTTP/1.1 request needs one Host header");
            return;
        }
        String path = request.path() == null ? "" : request.path();
        HttpMethod method = request.method();
        if (method != HttpMethod.GET && method != HttpMethod.HEAD && under(path, READ_ONLY)) {
            ctx.response().putHeader("Allow", "GET, HEAD");
            end(ctx, 405, "this endpoint answers GET and HEAD only");
            return;
        }
        String accept = request.headers().get("Accept");
        if (accept != null && accept.length() > MAX_ACCEPT && under(path, List.of("/q/metrics"))) {
            end(ctx, 406, "the Accept header is longer than " + MAX_ACCEPT + " characters");
            return;
        }
        ctx.next();
    }

    /** A 4xx failure is the client's: answered in a line, not logged. Anything else goes on to Quarkus's handler. */
    private static void clientFailure(RoutingContext ctx) {
        int status = ctx.statusCode();
        HttpServerResponse response = ctx.response();
        if (status >= 400 && status < 500 && !response.headWritten()) {
            end(ctx, status, status == 400 ? "bad request" : "refused");
        } else if (status >= 400 && status < 500 && !response.ended()) {
            response.end();
        } else {
            ctx.next();
        }
    }

    private static void end(RoutingContext ctx, int status, String why) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(why + "\n");
    }

    static boolean under(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}
