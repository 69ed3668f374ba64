package dev.cloudsqlguard.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Launches the packaged guard as a process, the way a user runs it: the native executable when
 * the build produced one, else the fast-jar through its launcher {@code target/quarkus-app/cloudsql-guard}
 * with the launcher's default JVM options (a bounded heap: README, Memory), on this test's JDK
 * ({@code JAVA_HOME}). Which one was built is read from Quarkus's
 * {@code target/quarkus-artifact.properties}, the same file {@code @QuarkusIntegrationTest} uses.
 */
final class PackagedGuard {

    record Run(int exitCode, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private PackagedGuard() {
    }

    static List<String> command(String... args) {
        Properties p = artifact();
        Path artifact = Path.of("target").resolve(p.getProperty("path")).toAbsolutePath();
        List<String> cmd = new ArrayList<>();
        if ("native".equals(p.getProperty("type"))) {
            cmd.add(artifact.toString());
        } else {
            Path launcher = artifact.resolveSibling("cloudsql-guard");
            if (!Files.isExecutable(launcher)) {
                throw new IllegalStateException(launcher + " is missing: the build writes it next to " + artifact);
            }
            cmd.add(launcher.toString());
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Properties artifact() {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Path.of("target", "quarkus-artifact.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("package the application first (mvn package)", e);
        }
        return p;
    }

    /** The environment of a guard probing {@code db} as its role, with the password inline (a mutable map). */
    static Map<String, String> targetEnv(dev.cloudsqlguard.fixture.PgFixture db) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("GUARD_TARGET_INSTANCE", db.instance());
        env.put("GUARD_TARGET_SOCKET_DIR", db.cloudsqlRoot().toString());
        env.put("GUARD_TARGET_USER", db.user());
        env.put("GUARD_TARGET_PASSWORD", db.password());
        env.put("GUARD_TARGET_DATABASE", db.database());
        return env;
    }

    static boolean isNative() {
        return "native".equals(artifact().getProperty("type"));
    }

    /**
     * Resets SIGINT and SIGQUIT to their default action, then execs the guard (same pid). A build
     * started in the background by a non-interactive shell inherits them ignored, and an ignored
     * SIGINT can be neither handled by the guard nor trapped by the command it runs, so the tests of
     * signal forwarding would test the caller's shell instead of the guard.
     */
    private static final List<String> DEFAULT_SIGNALS = List.of("python3", "-c",
            "import os, signal, sys\n"
                    + "for s in (signal.SIGINT, signal.SIGQUIT): signal.signal(s, signal.SIG_DFL)\n"
                    + "os.execvp(sys.argv[1], sys.argv[1:])");

    /** Starts the guard with the given environment (only GUARD_*-free inherited env plus these). */
    static Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(DEFAULT_SIGNALS);
        cmd.addAll(command(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GUARD_") || k.startsWith("QUARKUS_"));
        pb.environment().put("QUARKUS_HTTP_PORT", "0");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home")); // the launcher runs this test's JDK
        pb.environment().putAll(env);
        return pb.start();
    }

    /** A guard started by {@link #startReading}: its process, and its two streams read as they come. */
    record Running(Process process, Output out, Output err) {
        /** Both streams so far, without waiting: for a guard that still runs. */
        String outputNow() {
            return out.now() + err.now();
        }

        /** Both streams, after waiting briefly for their readers: for a guard that has ended. */
        String output() {
            return out.get() + err.get();
        }
    }

    /** Starts the guard like {@link #start}, with no input, and reads its output as it comes. */
    static Running startReading(Map<String, String> env, String... args) throws IOException {
        Process p = start(env, args);
        p.getOutputStream().close();
        return new Running(p, readAsync(p.getInputStream()), readAsync(p.getErrorStream()));
    }

    /** Runs to completion (bounded), capturing output. */
    static Run run(Map<String, String> env, Duration limit, String... args) throws IOException, InterruptedException {
        Running r = startReading(env, args);
        Process p = r.process();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the guard did not exit within " + limit + "; output so far:\n" + r.output());
        }
        return new Run(p.exitValue(), r.out().get(), r.err().get());
    }

    static Output readAsync(java.io.InputStream in) {
        Output o = new Output();
        Thread t = new Thread(() -> {
            try {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    o.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        o.thread = t;
        return o;
    }

    /** Output captured from a process stream. */
    static final class Output {
        private final StringBuilder text = new StringBuilder();
        private Thread thread;

        synchronized void append(String s) {
            text.append(s);
        }

        String get() {
            try {
                if (thread != null) {
                    thread.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                return text.toString();
            }
        }

        synchronized String now() {
            return text.toString();
        }
    }
}
