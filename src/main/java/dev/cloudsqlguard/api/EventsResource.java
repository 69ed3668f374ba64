package dev.cloudsqlguard.api;

import dev.cloudsqlguard.signal.SseSignal;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/** {@code GET /guard/events}: Server-Sent Events, current state first, then every transition. */
@Path("/guard/events")
public class EventsResource {

    @Inject
    SseSignal signal;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@Context SseEventSink sink, @Context Sse sse) {
        signal.subscribe(sink, sse);
    }
}
