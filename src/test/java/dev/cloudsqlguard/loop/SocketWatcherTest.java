package dev.cloudsqlguard.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-driven start on a real file system: the watcher follows the path down as the Cloud
 * SQL proxy creates it (root, instance directory, socket) and calls back on each step, with no
 * polling involved.
 */
class SocketWatcherTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void followsTheDirectoriesAsTheyAppearAndSignalsTheSocket() throws Exception {
        Path root = tmp.resolve("cloudsql");
        Path instance = root.resolve("p:r:i");
        Path socket = instance.resolve(".s.PGSQL.5432");
        AtomicInteger changes = new AtomicInteger();
        try (SocketWatcher watcher = new SocketWatcher(socket, changes::incrementAndGet)) {
            watcher.start();
            await().atMost(PATIENCE).until(() -> changes.get() >= 1); // registered on the nearest existing ancestor

            int before = changes.get();
            Files.createDirectory(root);
            await().atMost(PATIENCE).until(() -> changes.get() > before);

            int beforeInstance = changes.get();
            Files.createDirectory(instance);
            await().atMost(PATIENCE).until(() -> changes.get() > beforeInstance);

            int beforeSocket = changes.get();
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(socket));
                await().atMost(PATIENCE).until(() -> changes.get() > beforeSocket);
            }
        }
    }

    @Test
    void closingStopsTheCallbacks() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("p:r:i"));
        AtomicInteger changes = new AtomicInteger();
        SocketWatcher watcher = new SocketWatcher(dir.resolve(".s.PGSQL.5432"), changes::incrementAndGet);
        watcher.start();
        await().atMost(PATIENCE).until(() -> changes.get() >= 1);
        watcher.close();
        Thread.sleep(1500); // longer than the watcher's poll, so a live watcher would have seen the file
        int after = changes.get();
        Files.createFile(dir.resolve("unrelated"));
        Thread.sleep(1500);
        assertThat(changes.get()).isEqualTo(after);
    }
}
