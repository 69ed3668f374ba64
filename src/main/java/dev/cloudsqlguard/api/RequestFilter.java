package dev.cloudsqlguard.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * The first route of every request: what a hostile or broken client sends is answered here with a
 * short 4xx, before a handler can log an ERROR about it or echo it back.
 * <ul>
 * <li>The read-only endpoints (health, metrics, status, events) answer GET and HEAD only: 405 with
 * {@code Allow: GET, HEAD} (SmallRye Health and Micrometer would answer a DELETE like a GET).
 * <li>An HTTP/1.1 request without {@code Host} is 400 (Quarkus's error handler would log an ERROR
 * with a stack trace for each one: any client could flood the log).
 * <li>An {@code Accept} header longer than {@value #MAX_ACCEPT} characters on {@code /q/metrics} is
 * 406 without it (Micrometer's 406 quotes the whole header in its status line).
 * </ul>
 */
@ApplicationScoped
public class RequestFilter {

    static final List<String> READ_ONLY = List.of("/q/health", "/q/metrics", "/guard/status", "/guard/events", "/guard/history", "/guard/", "/guard/index.html");
    static final int MAX_ACCEPT = 256;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::filter);
    }

    private void filter(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.version() == HttpVersion.HTTP_1_1 && request.headers().get("Host") == null) {
            end(ctx, 400, "an HTTP/1.1 request needs a Host header");
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
