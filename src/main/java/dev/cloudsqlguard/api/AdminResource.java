package dev.cloudsqlguard.api;

import dev.cloudsqlguard.config.AdminSettings;
import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.loop.ProbeLoop;
import dev.cloudsqlguard.state.StatusDocument;
import dev.cloudsqlguard.state.TargetEvent;
import dev.cloudsqlguard.state.TargetState;
import dev.cloudsqlguard.state.TargetTracker;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code POST /guard/admin/circuit/{open|close|release}[?target=NAME]}: operator overrides of a
 * target's circuit (the target may be left out when there is only one).
 * Off by default (404); when guard.admin.enabled=true it needs
 * {@code Authorization: Bearer <guard.admin.token>} (401 otherwise).
 */
@Path("/guard/admin")
public class AdminResource {

    @Inject
    ProbeLoop loop;

    @POST
    @Path("/circuit/{action}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response circuit(@PathParam("action") String action, @QueryParam("target") String target,
            @HeaderParam("Authorization") String authorization) {
        AdminSettings admin = loop.settings() == null ? null : loop.settings().admin();
        if (admin == null || !admin.enabled()) {
            return error(Response.Status.NOT_FOUND, "admin actions are disabled (" + Catalogue.ADMIN_ENABLED.key() + "=false)");
        }
        if (!authorized(admin, authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .header("WWW-Authenticate", "Bearer realm=\"cloudsql-guard\"")
                    .entity(message("a valid 'Authorization: Bearer <token>' header is required"))
                    .type(MediaType.APPLICATION_JSON)
                    .build();
        }
        Function<TargetTracker, List<TargetEvent>> act = switch (action) {
            case "open" -> TargetTracker::forceOpen;
            case "close" -> TargetTracker::forceClosed;
            case "release" -> TargetTracker::release;
            default -> null;
        };
        if (act == null) {
            return error(Response.Status.BAD_REQUEST, "unknown action '" + sanitize(action)
                    + "': use open, close or release");
        }
        List<String> targets = loop.targets();
        String chosen = target == null && targets.size() == 1 ? targets.get(0) : target;
        if (chosen == null) {
            return error(Response.Status.BAD_REQUEST, "several targets: name one with ?target=, one of "
                    + String.join(", ", targets));
        }
        if (!targets.contains(chosen)) {
            return error(Response.Status.NOT_FOUND, "no target '" + sanitize(chosen) + "': one of "
                    + String.join(", ", targets));
        }
        try {
            TargetState state = loop.admin(chosen, act).get(5, TimeUnit.SECONDS);
            return Response.ok(StatusDocument.target(state).toString(), MediaType.APPLICATION_JSON).build();
        } catch (Exception e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "the probe loop did not apply the action in time");
        }
    }

    private static boolean authorized(AdminSettings admin, String header) {
        if (header == null || admin.token().isEmpty()) {
            return false;
        }
        String prefix = "Bearer ";
        if (!header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return false;
        }
        byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = admin.token().get().reveal().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }

    private static Response error(Response.Status status, String text) {
        return Response.status(status).entity(message(text)).type(MediaType.APPLICATION_JSON).build();
    }

    private static String message(String text) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("error", text).toString();
    }

    private static String sanitize(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("[^A-Za-z0-9_.-]", "?");
    }
}
