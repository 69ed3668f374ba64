package dev.cloudsqlguard.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * The read-only endpoints (health, metrics, status, events) answer GET and HEAD only: any other
 * method gets 405 with {@code Allow: GET, HEAD}, before SmallRye Health or Micrometer see it (they
 * would answer a DELETE like a GET). The admin endpoints keep their own methods.
 */
@ApplicationScoped
public class ReadOnlyRoutes {

    static final List<String> PREFIXES = List.of("/q/health", "/q/metrics", "/guard/status", "/guard/events");

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpMethod method = ctx.request().method();
            if (method != HttpMethod.GET && method != HttpMethod.HEAD && readOnly(ctx.normalizedPath())) {
                ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
                return;
            }
            ctx.next();
        });
    }

    static boolean readOnly(String path) {
        for (String prefix : PREFIXES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}
