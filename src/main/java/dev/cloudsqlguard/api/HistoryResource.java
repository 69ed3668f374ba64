package dev.cloudsqlguard.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cloudsqlguard.signal.HistorySignal;
import dev.cloudsqlguard.state.HistoryDocument;
import dev.cloudsqlguard.state.ProbeHistory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /guard/history[?after=SEQUENCE]}: the probes and circuit transitions of the last 15 minutes,
 * per target, from the bounded in-memory history (never the database); with {@code after}, only the entries
 * published after that sequence number (the {@code sequence} of an earlier answer).
 */
@Path("/guard/history")
public class HistoryResource {

    @Inject
    HistorySignal signal;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response history(@QueryParam("after") String after) {
        long from = 0;
        if (after != null && !after.isEmpty()) {
            try {
                from = Long.parseLong(after);
            } catch (NumberFormatException e) {
                from = -1;
            }
            if (from < 0) {
                String error = JsonNodeFactory.instance.objectNode()
                        .put("error", "after must be a sequence number (a whole number, 0 or more)").toString();
                return Response.status(Response.Status.BAD_REQUEST).entity(error).type(MediaType.APPLICATION_JSON).build();
            }
        }
        ProbeHistory history = signal.history();
        String body = HistoryDocument.of(history.since(from), history.probesPerTarget()).toString();
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }
}
