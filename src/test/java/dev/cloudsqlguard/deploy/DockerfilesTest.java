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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Reads the two Dockerfiles of the native image and checks what a build depends on: pinned base images, a
 * runtime base that a build argument can replace (CI builds Dockerfile.native on a locally made base and runs it
 * in a pod: .ci/pod-test, {@link GuardPodRun}), a Mandrel first stage compiling with -Dnative in the multi-stage
 * file, the same runtime stage in both, a non-root numeric USER, port 8090, an entrypoint that is the executable,
 * build inputs that .dockerignore lets through.
 */
class DockerfilesTest {

    /** Packages an executable built beforehand (Quarkus's convention): the file CI builds and runs. */
    static final Path NATIVE = Path.of("Dockerfile.native");
    /** The same runtime stage, after a Mandrel builder stage. */
    static final Path MULTISTAGE = Path.of("Dockerfile.native-multistage");
    static final List<Path> NATIVE_FILES = List.of(NATIVE, MULTISTAGE);
    /** The build argument that names the runtime base; .ci/guard-image sets it. */
    static final String RUNTIME_BASE = "RUNTIME_BASE";
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
        List<List<Instruction>> stages = parse(file);
        return stages.subList(1, stages.size());
    }

    /** The ARGs before the first FROM (the only ones a FROM can use), with their defaults. */
    static Map<String, String> globalArgs(Path file) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        for (Instruction arg : parse(file).get(0)) {
            assertThat(arg.keyword()).as("%s:%d: only ARG may come before the first FROM", file, arg.line()).isEqualTo("ARG");
            String[] kv = arg.args().split("=", 2);
            args.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : null);
        }
        return args;
    }

    /** An image name with $NAME / ${NAME} of the global ARGs replaced by their defaults. */
    static String resolve(String image, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(image);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1));
            assertThat(value).as("%s: ARG %s has a default", image, m.group(1)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** Index 0: the instructions before the first FROM (global ARGs); then one list per stage. */
    private static List<List<Instruction>> parse(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<List<Instruction>> stages = new ArrayList<>();
        stages.add(new ArrayList<>());
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

    /** Every image a build of {@code file} pulls by default, global ARGs resolved. */
    static List<String> pulledImages(Path file) throws IOException {
        Map<String, String> args = globalArgs(file);
        return pulledImages(stages(file)).stream().map(i -> resolve(i, args)).toList();
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

    // ---------------------------------------------------------------- the two native Dockerfiles

    @Test
    void theMultistageFileCompilesInAMandrelBuilderStageWithDashDNative() throws IOException {
        List<List<Instruction>> stages = stages(MULTISTAGE);
        assertThat(stages).as("multi-stage").hasSize(2);
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
        assertThat(Files.readString(MULTISTAGE)).contains("/opt/maven/bin");
        // The executable links against the builder's glibc: the runtime base must be UBI 9 as well.
        assertThat(resolve(imageOf(from(stages.get(1))), globalArgs(MULTISTAGE))).contains("ubi9");
    }

    @Test
    void dockerfileNativePackagesAnExecutableBuiltBeforehand() throws IOException {
        List<List<Instruction>> stages = stages(NATIVE);
        assertThat(stages).as("one stage: no builder").hasSize(1);
        Instruction copy = in(stages.get(0), "COPY").get(0);
        assertThat(copy.flag("from")).isNull();
        assertThat(copy.words().get(0)).as("what mvn package -Dnative leaves").isEqualTo("target/*-runner");
    }

    /** The runtime stage, whichever file: the executable and nothing else, run as a non-root user. */
    @Test
    void bothRuntimeStagesHoldOnlyTheExecutableAndRunIt() throws IOException {
        for (Path file : NATIVE_FILES) {
            List<List<Instruction>> stages = stages(file);
            List<Instruction> runtime = stages.get(stages.size() - 1);
            List<Instruction> copies = in(runtime, "COPY");
            assertThat(copies).as("%s: one COPY", file).hasSize(1);
            Instruction copy = copies.get(0);
            if (stages.size() > 1) {
                assertThat(copy.flag("from")).isEqualTo(stageName(from(stages.get(0))));
            }
            List<String> words = copy.words();
            assertThat(words).hasSize(2);
            assertThat(words.get(0)).endsWith("target/*-runner");
            String executable = words.get(1);
            assertThat(executable).isIn(EXECUTABLE_PATHS);
            assertThat(copy.flag("chmod")).as("%s: executable by any uid", file).isIn(null, "0755", "755");
            assertThat(in(runtime, "RUN")).as("%s: nothing but the executable is added", file).isEmpty();

            List<Instruction> entrypoints = in(runtime, "ENTRYPOINT");
            assertThat(entrypoints).hasSize(1);
            // No arguments: the sidecar; "wait ..." appended by the caller is the one-shot mode.
            assertThat(execForm(entrypoints.get(0))).containsExactly(executable);
            assertThat(in(runtime, "CMD")).as("no default arguments").isEmpty();

            assertNonRootUser(runtime, file);
            assertExposesTheGuardPort(runtime, file);
        }
    }

    /** "The image users deploy is the image tested here": the same runtime stage, up to the COPY's source. */
    @Test
    void bothFilesBuildTheSameRuntimeStage() throws IOException {
        List<List<Instruction>> a = stages(NATIVE);
        List<List<Instruction>> b = stages(MULTISTAGE);
        List<String> runtimeA = a.get(a.size() - 1).stream().map(DockerfilesTest::normalised).toList();
        List<String> runtimeB = b.get(b.size() - 1).stream().map(DockerfilesTest::normalised).toList();
        assertThat(runtimeB).isEqualTo(runtimeA);
        assertThat(globalArgs(MULTISTAGE).get(RUNTIME_BASE)).isEqualTo(globalArgs(NATIVE).get(RUNTIME_BASE));
    }

    /** An instruction without what differs between the two files: COPY's --from and its source's directory. */
    static String normalised(Instruction i) {
        if (!i.keyword().equals("COPY")) {
            return i.keyword() + " " + i.args();
        }
        List<String> w = i.words();
        return "COPY --chmod=" + i.flag("chmod") + " " + w.get(0).replaceFirst("^.*(target/)", "$1") + " " + w.get(1);
    }

    /** CI replaces the runtime base with a build argument, and only the runtime base; the default is production's. */
    @Test
    void theRuntimeBaseIsABuildArgumentWithAPinnedUbi9Default() throws IOException {
        for (Path file : NATIVE_FILES) {
            List<List<Instruction>> stages = stages(file);
            assertThat(imageOf(from(stages.get(stages.size() - 1)))).as("%s: final FROM", file).isEqualTo("${" + RUNTIME_BASE + "}");
            String base = globalArgs(file).get(RUNTIME_BASE);
            assertThat(base).as("%s: ARG %s default", file, RUNTIME_BASE)
                    .matches("quay\\.io/quarkus/(ubi9-quarkus-micro-image|quarkus-distroless-image):.+");
            assertPinned(base, file);
        }
        assertThat(Files.readString(Path.of(".ci/guard-image"))).contains("--build-arg " + RUNTIME_BASE + "=")
                .contains("-f \"$ROOT/" + NATIVE + "\"");
    }

    @Test
    void nativeImagesArePinnedAndTheyHaveNoHealthcheck() throws IOException {
        assertThat(pulledImages(MULTISTAGE)).hasSize(3);
        assertThat(pulledImages(NATIVE)).hasSize(1);
        for (Path file : NATIVE_FILES) {
            pulledImages(file).forEach(i -> assertPinned(i, file));
            assertNoHealthcheckButDocumentedProbes(file);
        }
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
        for (Path file : NATIVE_FILES) {
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
        assertThat(checked).isEqualTo(3);
    }

    /** Guards the parser: continuation lines, comments, stage names, COPY --from images. */
    @Test
    void theParserReadsStagesAndPulledImages() throws IOException {
        Path tmp = Files.createTempFile("Dockerfile", ".test");
        try {
            Files.writeString(tmp, String.join("\n",
                    "# comment",
                    "ARG BASE=example.org/runtime:latest",
                    "FROM example.org/builder:1.2 AS build",
                    "COPY --from=example.org/tool:3 /x /y",
                    "RUN echo a \\",
                    "    && echo -Dnative",
                    "FROM ${BASE}",
                    "COPY --from=build /a /b",
                    "USER 0",
                    ""));
            List<List<Instruction>> stages = stages(tmp);
            assertThat(stages).hasSize(2);
            assertThat(in(stages.get(0), "RUN").get(0).args()).isEqualTo("echo a      && echo -Dnative");
            assertThat(globalArgs(tmp)).containsExactly(Map.entry("BASE", "example.org/runtime:latest"));
            assertThat(pulledImages(tmp)).containsExactly("example.org/builder:1.2", "example.org/tool:3",
                    "example.org/runtime:latest");
            assertThat(resolve("$BASE", globalArgs(tmp))).isEqualTo("example.org/runtime:latest");
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
