package dev.cloudsqlguard.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /guard} (what people type) answers 301 to the status page {@code /guard/}, which is a static
 * file and would otherwise be a 404 without its slash. The {@code Location} is relative
 * ({@code guard/}), so the redirect stays right behind a proxy that serves the guard under a prefix.
 * Runs right after {@link RequestFilter}, so a bad request never gets this far. The route takes every
 * path and compares it itself: Vert.x ignores a trailing slash when it matches an exact path, so a
 * route on {@code /guard} would also take {@code /guard/} and redirect the page to itself for ever.
 */
@ApplicationScoped
public class PageRedirect {

    static final String PAGE = "/guard";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(PageRedirect::redirect);
    }

    private static void redirect(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (PAGE.equals(ctx.request().path()) && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
            ctx.response().setStatusCode(301).putHeader("Location", "guard/").end();
            return;
        }
        ctx.next();
    }
}
