package dev.cloudsqlguard.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A plain Server-Sent Events client, as an app would run one: reads the stream line by line. */
final class SseClient implements AutoCloseable {

    record Event(Instant at, String name, String id, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final CompletableFuture<?> reading;
    private volatile Stream<String> stream;

    SseClient(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build();
        reading = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    stream = response.body();
                    read(stream);
                });
    }

    private void read(Stream<String> lines) {
        String[] name = {null};
        String[] id = {null};
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    events.add(new Event(Instant.now(), name[0] == null ? "message" : name[0], id[0], data.toString()));
                }
                name[0] = null;
                id[0] = null;
                data.setLength(0);
            } else if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                switch (field) {
                    case "event" -> name[0] = value;
                    case "id" -> id[0] = value;
                    case "data" -> data.append(data.length() > 0 ? "\n" : "").append(value);
                    default -> { }
                }
            }
        });
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> named(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    List<String> comments() {
        return List.copyOf(comments);
    }

    @Override
    public void close() {
        Stream<String> s = stream;
        if (s != null) {
            s.close(); // closes the connection
        }
        reading.cancel(true);
    }
}
