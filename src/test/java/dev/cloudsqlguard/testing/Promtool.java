package dev.cloudsqlguard.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs promtool (Debian package {@code prometheus}, installed by {@code .ci/setup}); {@code PROMTOOL}
 * (environment) or {@code -Dpromtool=} name another binary. A missing promtool fails the test: it never skips.
 */
public final class Promtool {

    /** What a run printed and how it exited. */
    public record Run(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static Run run(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes(); // promtool prints little and then exits
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
            }
            return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static String binary() {
        String configured = System.getProperty("promtool", System.getenv("PROMTOOL"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("promtool not found on PATH: install the Debian package prometheus (.ci/setup does), "
                + "or point PROMTOOL / -Dpromtool at a promtool binary");
    }
}
