package dev.cloudsqlguard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs podman for the pod test, with the project's configuration (.ci/containers.conf through CONTAINERS_CONF,
 * unless the caller set one): runc, ulimits these machines allow. Every command has a timeout; a failure throws
 * with podman's own message.
 */
final class Podman {

    static final Path CONFIG = Path.of(".ci/containers.conf").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 120;

    private Podman() {
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code podman args...}; throws unless it exits 0. Returns stdout, trimmed. */
    static String run(String... args) {
        return run(List.of(args));
    }

    static String run(List<String> args) {
        Result r = exec(args);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("podman " + String.join(" ", args) + " exited " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    /** Runs {@code podman args...} and returns whatever it exits with. */
    static Result exec(String... args) {
        return exec(List.of(args));
    }

    static Result exec(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("podman");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (System.getenv("CONTAINERS_CONF") == null) {
            if (!Files.isRegularFile(CONFIG)) {
                throw new IllegalStateException(CONFIG + " is missing: run from the repository root");
            }
            pb.environment().put("CONTAINERS_CONF", CONFIG.toString());
        }
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("podman " + String.join(" ", args) + " took over " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run podman (installed by .ci/setup)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code podman inspect} of one container or image, as JSON. */
    static JsonNode inspect(String... what) {
        List<String> args = new ArrayList<>(List.of("inspect"));
        args.addAll(Arrays.asList(what));
        try {
            return JSON.readTree(run(args)).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container's state: Status, Running, Pid, ExitCode, StartedAt, FinishedAt, RestartCount ... */
    static JsonNode state(String container) {
        JsonNode c = inspect("--type", "container", container);
        ((com.fasterxml.jackson.databind.node.ObjectNode) c.get("State")).put("RestartCount", c.path("RestartCount").asInt());
        return c.get("State");
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
