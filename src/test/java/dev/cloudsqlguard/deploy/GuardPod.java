package dev.cloudsqlguard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pod of the pod test: its volumes (in-memory emptyDirs as tmpfs volumes of their sizeLimit, secrets as
 * read-only directories of files with the manifest's mode and the pod's fsGroup), the database that stands
 * in for the Cloud SQL socket provider, the guard run from its image with a {@link GuardPodSpec}, and the app.
 * Also reads what only the host sees: a container's resident memory and its memory cgroup.
 */
final class GuardPod implements AutoCloseable {

    static final String PG_ENTRY_PASSWORD = "/run/pg-init/password";
    private static final ObjectMapper JSON = new ObjectMapper();

    final GuardPodSpec spec;
    final String name;
    final String db;
    final String password;
    private final Path dir;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> volumes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String ip;

    GuardPod(GuardPodSpec spec, String name, Path dir) throws IOException {
        this.spec = spec;
        this.name = name;
        this.db = name + "-db";
        this.dir = dir;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.password = "pw-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(dir);
        for (GuardPodSpec.Mount m : spec.mounts()) {
            sources.put(m.volume(), makeVolume(m));
        }
        for (GuardPodSpec.Mount m : spec.appMounts()) {
            sources.computeIfAbsent(m.volume(), v -> makeVolume(m));
        }
        Podman.run("pod", "create", "--name", name);
    }

    /** The podman volume or host directory behind a mount of the manifest. */
    String source(GuardPodSpec.Mount m) {
        return sources.get(m.volume());
    }

    private String makeVolume(GuardPodSpec.Mount m) {
        if (m.kind() == GuardPodSpec.Kind.SECRET) {
            return secretDirectory(m).toString();
        }
        String volume = name + "-" + m.volume();
        List<String> args = new ArrayList<>(List.of("volume", "create"));
        if (m.kind() != GuardPodSpec.Kind.DISK) {
            args.addAll(GuardPodSpec.tmpfsVolumeOptions(m));
        }
        args.add(volume);
        Podman.run(args);
        volumes.add(volume);
        return volume;
    }

    /** A secret volume as the kubelet makes it: root-owned files of the secret's mode, group fsGroup. */
    private Path secretDirectory(GuardPodSpec.Mount m) {
        try {
            Path secret = Files.createDirectories(dir.resolve(m.volume()));
            for (String file : m.files()) {
                Path f = secret.resolve(file);
                Files.writeString(f, password);
                Files.setPosixFilePermissions(f, permissions(m.fileMode()));
                if (spec.fsGroup() != null) {
                    GroupPrincipal group = f.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByGroupName(String.valueOf(spec.fsGroup()));
                    Files.getFileAttributeView(f, PosixFileAttributeView.class).setGroup(group);
                }
            }
            Path forDb = Files.createDirectories(dir.resolve("db-init")).resolve("password");
            Files.writeString(forDb, password);
            Files.setPosixFilePermissions(forDb, permissions(0444));
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }

    /** The Cloud SQL socket directory's volume: the guard's mount of GUARD_TARGET_SOCKET_DIR. */
    GuardPodSpec.Mount socketMount() {
        String socketDir = spec.require("GUARD_TARGET_SOCKET_DIR");
        return spec.mounts().stream().filter(m -> m.path().equals(socketDir)).findFirst()
                .orElseThrow(() -> new AssertionError(spec.platform() + ": no volume of the guard at " + socketDir));
    }

    /** Starts PostgreSQL with its socket at SOCKET_DIR/INSTANCE/ on the shared volume, as the proxy makes it. */
    void startDatabase(String image) {
        GuardPodSpec.Mount socket = socketMount();
        Podman.run("run", "-d", "--pod", name, "--name", db,
                "--volume=" + source(socket) + ":" + socket.path(),
                "--volume=" + dir.resolve("db-init/password") + ":" + PG_ENTRY_PASSWORD + ":ro",
                "--env=PG_SOCKET_DIR=" + socket.path() + "/" + spec.require("GUARD_TARGET_INSTANCE"),
                "--env=PG_GUARD_USER=" + spec.require("GUARD_TARGET_USER"),
                "--env=PG_GUARD_PASSWORD_FILE=" + PG_ENTRY_PASSWORD, image);
        awaitDatabase();
    }

    /** Like the proxy's startup probe: until pg_isready answers through the socket. */
    void awaitDatabase() {
        String socketDir = socketMount().path() + "/" + spec.require("GUARD_TARGET_INSTANCE");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Podman.exec("exec", db, "/usr/lib/postgresql/15/bin/pg_isready", "-q", "-h", socketDir).exitCode() != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("PostgreSQL did not accept connections within 60 s: " + Podman.exec("logs", db).stderr());
            }
            sleep(Duration.ofMillis(200));
        }
    }

    /** Starts the guard's image with the manifest's settings; returns the container's StartedAt. */
    Instant startGuard(String container, String image) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--pod", name, "--name", container));
        args.addAll(spec.podmanRunFlags(this::source));
        args.add(image);
        Podman.run(args);
        return startedAt(container);
    }

    /** Starts the app: it prints the state file once, then idles; it stops on SIGTERM. */
    void startApp(String container, String image, String stateFile) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--pod", name, "--name", container));
        for (GuardPodSpec.Mount m : spec.appMounts()) {
            args.add("--volume=" + source(m) + ":" + m.path() + (m.readOnly() ? ":ro" : ""));
        }
        args.addAll(List.of(image, "sh", "-c", "trap 'echo app: SIGTERM; exit 0' TERM; echo \"app: state $(cat " + stateFile
                + ")\"; while :; do sleep 1 & wait $!; done"));
        Podman.run(args);
    }

    /** The pod's IP on podman's bridge: where the kubelet (this test) reaches the guard. */
    String ip() {
        if (ip == null) {
            String infra = Podman.run("pod", "inspect", "--format", "{{.InfraContainerID}}", name);
            ip = Podman.run("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", infra);
        }
        return ip;
    }

    void forgetIp() {
        ip = null;
    }

    /** GET /guard/status as JSON. */
    JsonNode status() {
        return get("/guard/status");
    }

    JsonNode get(String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + ip() + ":" + spec.startup().port() + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Instant startedAt(String container) {
        return OffsetDateTime.parse(Podman.state(container).get("StartedAt").asText()).toInstant();
    }

    /** VmRSS or VmHWM (peak) of the container's main process, in bytes, read on the host. */
    static long procStatus(String container, String field) {
        int pid = Podman.state(container).get("Pid").asInt();
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(field + ":"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the container's cgroup v1 controller (memory, cpu), read on the host. */
    static String cgroup(String container, String controller, String file) {
        int pid = Podman.state(container).get("Pid").asInt();
        try {
            String path = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
                    .map(l -> l.split(":", 3)).filter(p -> List.of(p[1].split(",")).contains(controller)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + controller + " cgroup (cgroup v1 expected)"))[2];
            return Files.readString(Path.of("/sys/fs/cgroup/" + controller + path + "/" + file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Podman.exec("pod", "rm", "-f", "-t", "0", name);
        for (String v : volumes) {
            Podman.exec("volume", "rm", "-f", v);
        }
    }
}
