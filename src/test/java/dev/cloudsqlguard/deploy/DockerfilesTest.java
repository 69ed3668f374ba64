package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No container engine runs where the tests run, so the Dockerfiles cannot be built here: this test reads them
 * instead and checks what a build would depend on — pinned base images, a Mandrel first stage compiling with
 * -Dnative, a non-root numeric USER, port 8090, an entrypoint that is the executable, build inputs that
 * .dockerignore lets through.
 */
class DockerfilesTest {

    static final Path NATIVE = Path.of("Dockerfile.native");
    static final Path JVM = Path.of("src/main/docker/Dockerfile.jvm");
    static final Path DOCKERIGNORE = Path.of(".dockerignore");
    static final Set<String> EXECUTABLE_PATHS = Set.of("/usr/local/bin/cloudsql-guard", "/work/cloudsql-guard");

    /** One instruction: its keyword (upper case) and the rest of its logical line. */
    record Instruction(String keyword, String args, int line) {

        /** The value of a --flag=value option, if present. */
        String flag(String name) {
            Matcher m = Pattern.compile("--" + name + "=(\\S+)").matcher(args);
            return m.find() ? m.group(1) : null;
        }

        /** The arguments without --flags. */
        List<String> words() {
            return Arrays.stream(args.trim().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
        }
    }

    /** The file's instructions, split into stages at each FROM (comments dropped, continuations joined). */
    static List<List<Instruction>> stages(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<List<Instruction>> stages = new ArrayList<>();
        StringBuilder logical = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("#") || (logical.isEmpty() && line.isBlank())) {
                continue;
            }
            if (logical.isEmpty()) {
                start = i + 1;
            }
            if (line.stripTrailing().endsWith("\\")) {
                logical.append(line.stripTrailing(), 0, line.stripTrailing().length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            String text = logical.toString().strip();
            logical.setLength(0);
            String[] parts = text.split("\\s+", 2);
            Instruction in = new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : "", start);
            if (in.keyword().equals("FROM")) {
                stages.add(new ArrayList<>());
            }
            assertThat(stages).as("%s:%d: an instruction before the first FROM", file, start).isNotEmpty();
            stages.get(stages.size() - 1).add(in);
        }
        return stages;
    }

    static Instruction from(List<Instruction> stage) {
        return stage.get(0);
    }

    static String imageOf(Instruction from) {
        return from.words().get(0);
    }

    static String stageName(Instruction from) {
        List<String> w = from.words();
        return w.size() >= 3 && w.get(1).equalsIgnoreCase("AS") ? w.get(2) : null;
    }

    static List<Instruction> all(List<List<Instruction>> stages, String keyword) {
        return stages.stream().flatMap(List::stream).filter(i -> i.keyword().equals(keyword)).toList();
    }

    static List<Instruction> in(List<Instruction> stage, String keyword) {
        return stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** Every image a build pulls: FROM images and COPY --from=IMAGE (a name that is not an earlier stage). */
    static List<String> pulledImages(List<List<Instruction>> stages) {
        Set<String> stageNames = new TreeSet<>();
        List<String> images = new ArrayList<>();
        for (List<Instruction> stage : stages) {
            String image = imageOf(from(stage));
            if (!stageNames.contains(image) && !image.equals("scratch")) {
                images.add(image);
            }
            for (Instruction copy : in(stage, "COPY")) {
                String src = copy.flag("from");
                if (src != null && !stageNames.contains(src) && !src.matches("\\d+")) {
                    images.add(src);
                }
            }
            if (stageName(from(stage)) != null) {
                stageNames.add(stageName(from(stage)));
            }
        }
        return images;
    }

    static void assertPinned(String image, Path file) {
        if (image.contains("@sha256:")) {
            return;
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        assertThat(last).as("%s: %s names a tag", file, image).contains(":");
        String tag = last.substring(last.indexOf(':') + 1);
        assertThat(tag).as("%s: %s", file, image).isNotBlank().isNotEqualToIgnoringCase("latest").doesNotContain("$");
    }

    /** The exec-form array of an ENTRYPOINT or CMD. */
    static List<String> execForm(Instruction in) throws IOException {
        assertThat(in.args()).as("%s at line %d is in exec form", in.keyword(), in.line()).startsWith("[");
        return new ObjectMapper().readValue(in.args(), new TypeReference<List<String>>() { });
    }

    static void assertNonRootUser(List<Instruction> finalStage, Path file) {
        List<Instruction> users = in(finalStage, "USER");
        assertThat(users).as("%s: the final stage sets USER", file).isNotEmpty();
        String user = users.get(users.size() - 1).args();
        // Numeric, so that Kubernetes' runAsNonRoot can verify it without the image's /etc/passwd.
        assertThat(user).as("%s USER", file).matches("[0-9]+(:[0-9]+)?");
        assertThat(Integer.parseInt(user.split(":")[0])).as("%s USER uid", file).isPositive();
        // Nothing after the last USER switches back.
        int last = finalStage.indexOf(users.get(users.size() - 1));
        assertThat(finalStage.subList(last + 1, finalStage.size())).noneMatch(i -> i.keyword().equals("USER"));
    }

    static int guardHttpPort() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Integer.parseInt(p.getProperty("quarkus.http.port", "8080").trim());
    }

    static void assertExposesTheGuardPort(List<Instruction> finalStage, Path file) {
        assertThat(guardHttpPort()).isEqualTo(8090);
        assertThat(in(finalStage, "EXPOSE")).as("%s EXPOSE", file).isNotEmpty()
                .allSatisfy(e -> assertThat(e.words()).containsExactly("8090"));
    }

    static void assertNoHealthcheckButDocumentedProbes(Path file) throws IOException {
        assertThat(all(stages(file), "HEALTHCHECK")).as("%s: HEALTHCHECK is unused on Cloud Run and Kubernetes", file).isEmpty();
        assertThat(Files.readString(file)).contains("/q/health/started", "/q/health/live", "/q/health/ready");
    }

    // ---------------------------------------------------------------- Dockerfile.native

    @Test
    void nativeCompilesInAMandrelBuilderStageWithDashDNative() throws IOException {
        List<List<Instruction>> stages = stages(NATIVE);
        assertThat(stages).as("multi-stage").hasSizeGreaterThanOrEqualTo(2);
        List<Instruction> build = stages.get(0);
        assertThat(imageOf(from(build))).matches("quay\\.io/quarkus/ubi9-quarkus-mandrel-builder-image:.+");
        assertThat(stageName(from(build))).isEqualTo("build");
        List<Instruction> runs = in(build, "RUN");
        assertThat(runs).as("a RUN that packages the native executable")
                .anySatisfy(r -> assertThat(r.words()).contains("mvn", "package", "-Dnative"));
        // The project's pom and sources are what it compiles.
        assertThat(in(build, "COPY")).anySatisfy(c -> assertThat(c.words()).contains("pom.xml"))
                .anySatisfy(c -> assertThat(c.words()).contains("src"));
        // mvn has to exist in the builder image: it has none of its own, so it comes from a COPY or PATH.
        assertThat(Files.readString(NATIVE)).contains("/opt/maven/bin");
    }

    @Test
    void nativeRuntimeStageHoldsOnlyTheExecutableAndRunsIt() throws IOException {
        List<List<Instruction>> stages = stages(NATIVE);
        List<Instruction> runtime = stages.get(stages.size() - 1);
        String image = imageOf(from(runtime));
        assertThat(image).matches("quay\\.io/quarkus/(ubi9-quarkus-micro-image|quarkus-distroless-image):.+");
        // The executable links against the builder's glibc: both stages on UBI 9 (or distroless).
        assertThat(imageOf(from(stages.get(0)))).contains("ubi9");

        List<Instruction> copies = in(runtime, "COPY");
        assertThat(copies).hasSize(1);
        Instruction copy = copies.get(0);
        assertThat(copy.flag("from")).isEqualTo(stageName(from(stages.get(0))));
        List<String> words = copy.words();
        assertThat(words).hasSize(2);
        assertThat(words.get(0)).endsWith("target/*-runner");
        String executable = words.get(1);
        assertThat(executable).isIn(EXECUTABLE_PATHS);
        assertThat(in(runtime, "RUN")).as("nothing but the executable is added").isEmpty();

        List<Instruction> entrypoints = in(runtime, "ENTRYPOINT");
        assertThat(entrypoints).hasSize(1);
        // No arguments: the sidecar; "wait ..." appended by the caller is the one-shot mode.
        assertThat(execForm(entrypoints.get(0))).containsExactly(executable);
        assertThat(in(runtime, "CMD")).as("no default arguments").isEmpty();

        assertNonRootUser(runtime, NATIVE);
        assertExposesTheGuardPort(runtime, NATIVE);
    }

    @Test
    void nativeImagesArePinnedAndItHasNoHealthcheck() throws IOException {
        List<String> images = pulledImages(stages(NATIVE));
        assertThat(images).hasSizeGreaterThanOrEqualTo(2);
        images.forEach(i -> assertPinned(i, NATIVE));
        assertNoHealthcheckButDocumentedProbes(NATIVE);
    }

    // ---------------------------------------------------------------- Dockerfile.jvm

    @Test
    void jvmRunsTheFastJarOnAPinnedOpenJdkRuntime() throws IOException {
        List<List<Instruction>> stages = stages(JVM);
        assertThat(stages).hasSize(1);
        List<Instruction> stage = stages.get(0);
        String image = imageOf(from(stage));
        Matcher m = Pattern.compile("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+)-runtime:.+").matcher(image);
        assertThat(m.matches()).as(image).isTrue();
        // The runtime must run the bytecode the pom compiles.
        Matcher release = Pattern.compile("<maven\\.compiler\\.release>(\\d+)</maven\\.compiler\\.release>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(release.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(Integer.parseInt(release.group(1)));
        pulledImages(stages).forEach(i -> assertPinned(i, JVM));

        // The four fast-jar layers, and the jar the entrypoint starts among them.
        List<Instruction> copies = in(stage, "COPY");
        assertThat(copies).extracting(c -> c.words().get(0)).containsExactlyInAnyOrder(
                "target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/");
        String jarDir = copies.stream().filter(c -> c.words().get(0).equals("target/quarkus-app/*.jar")).findFirst()
                .orElseThrow().words().get(1);
        String appJar = in(stage, "ENV").stream().map(Instruction::args).filter(a -> a.startsWith("JAVA_APP_JAR="))
                .findFirst().orElseThrow().substring("JAVA_APP_JAR=".length()).replace("\"", "");
        assertThat(appJar).isEqualTo((jarDir.endsWith("/") ? jarDir : jarDir + "/") + "quarkus-run.jar");
        List<Instruction> entrypoints = in(stage, "ENTRYPOINT");
        assertThat(entrypoints).hasSize(1);
        assertThat(execForm(entrypoints.get(0))).containsExactly("/opt/jboss/container/java/run/run-java.sh");
        assertThat(in(stage, "CMD")).isEmpty();

        assertNonRootUser(stage, JVM);
        assertExposesTheGuardPort(stage, JVM);
        assertNoHealthcheckButDocumentedProbes(JVM);
    }

    // ---------------------------------------------------------------- the build context

    /** Every COPY from the build context must survive .dockerignore, or the build fails on a missing file. */
    @Test
    void dockerignoreLetsEveryCopiedPathThrough() throws IOException {
        List<String> rules = Files.readAllLines(DOCKERIGNORE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(rules.get(0)).as("everything is excluded first").isEqualTo("*");
        List<String> allowed = rules.subList(1, rules.size()).stream()
                .peek(r -> assertThat(r).as("only re-inclusions after '*'").startsWith("!"))
                .map(r -> r.substring(1).replaceAll("/+$", "")).toList();
        int checked = 0;
        for (Path file : List.of(NATIVE, JVM)) {
            for (Instruction copy : all(stages(file), "COPY")) {
                if (copy.flag("from") != null) {
                    continue;
                }
                List<String> words = copy.words();
                for (String source : words.subList(0, words.size() - 1)) {
                    String s = source.replaceAll("/+$", "");
                    assertThat(allowed).as("%s:%d copies %s", file, copy.line(), source)
                            .anyMatch(a -> s.equals(a) || s.startsWith(a + "/"));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    /** Guards the parser: continuation lines, comments, stage names, COPY --from images. */
    @Test
    void theParserReadsStagesAndPulledImages() throws IOException {
        Path tmp = Files.createTempFile("Dockerfile", ".test");
        try {
            Files.writeString(tmp, String.join("\n",
                    "# comment",
                    "FROM example.org/builder:1.2 AS build",
                    "COPY --from=example.org/tool:3 /x /y",
                    "RUN echo a \\",
                    "    && echo -Dnative",
                    "FROM example.org/runtime:latest",
                    "COPY --from=build /a /b",
                    "USER 0",
                    ""));
            List<List<Instruction>> stages = stages(tmp);
            assertThat(stages).hasSize(2);
            assertThat(in(stages.get(0), "RUN").get(0).args()).isEqualTo("echo a      && echo -Dnative");
            assertThat(pulledImages(stages)).containsExactly("example.org/builder:1.2", "example.org/tool:3",
                    "example.org/runtime:latest");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertPinned("example.org/runtime:latest", tmp))
                    .isInstanceOf(AssertionError.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertPinned("example.org:5000/runtime", tmp))
                    .isInstanceOf(AssertionError.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertNonRootUser(stages.get(1), tmp))
                    .isInstanceOf(AssertionError.class);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
