package dev.cloudsqlguard.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file is replaced atomically: a reader polling it never sees a partial document. */
class StateFileTest {

    @TempDir
    Path tmp;

    @Test
    void aConcurrentReaderOnlyEverSeesCompleteDocuments() throws Exception {
        Path path = tmp.resolve("run/state.json");
        StateFile file = new StateFile(path);
        file.replace("{\"sequence\":0,\"padding\":\"\"}");
        ObjectMapper json = new ObjectMapper();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<String> broken = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    String text = Files.readString(path);
                    JsonNode node = json.readTree(text);
                    if (!node.has("sequence")) {
                        broken.set(text);
                    }
                    reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                    broken.set("the file vanished during a replace");
                } catch (Exception e) {
                    broken.set(e.toString());
                }
            }
        });
        reader.start();
        String padding = "x".repeat(64 * 1024); // big enough that a plain rewrite would be seen half-done
        for (int i = 1; i <= 300; i++) {
            file.replace("{\"sequence\":" + i + ",\"padding\":\"" + padding.substring(0, (i * 997) % padding.length()) + "\"}");
        }
        done.set(true);
        reader.join();
        assertThat(broken.get()).isNull();
        assertThat(reads.get()).isPositive();
        assertThat(json.readTree(Files.readString(path)).get("sequence").asInt()).isEqualTo(300);
        assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var siblings = Files.list(path.getParent())) {
            assertThat(siblings).as("no temporary files left behind").containsExactly(path);
        }
    }
}
