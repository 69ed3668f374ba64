package dev.cloudsqlguard.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cloudsqlguard.state.GuardStateStore;
import dev.cloudsqlguard.state.StatusDocument;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /guard/status}: the published state as JSON. Reads memory only. */
@Path("/guard/status")
public class StatusResource {

    @Inject
    GuardStateStore store;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode status() {
        return StatusDocument.of(store.current());
    }
}
