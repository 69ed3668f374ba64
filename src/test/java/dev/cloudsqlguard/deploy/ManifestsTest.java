package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.knative.serving.v1.RevisionSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the deployment manifests under {@code k8s/} with the fabric8 models (the Cloud Run service as a
 * Knative {@code Service}, the PodMonitor as a generic resource) and checks them against the guard's contract:
 * probe paths and port, container ordering, image pins, secrets, non-root, the shared state file, config keys.
 * Nothing here needs a cluster.
 */
class ManifestsTest {

    static final Path CLOUD_RUN = Path.of("k8s/cloud-run/service.yaml");
    static final Path K8S = Path.of("k8s/kubernetes");
    static final Path CONFIGMAP = K8S.resolve("configmap.yaml");
    static final Path DEPLOYMENT = K8S.resolve("deployment.yaml");
    static final Path SERVICE = K8S.resolve("service.yaml");
    static final Path PODMONITOR = K8S.resolve("podmonitor.yaml");
    static final Path SECRET_EXAMPLE = K8S.resolve("examples/secret.example.yaml");

    static final String GUARD = "cloudsql-guard";
    static final String APP = "app";
    static final String PROXY = "cloud-sql-proxy";

    /** What the guard serves (SmallRye Health under Quarkus' default /q root). */
    static final Set<String> GUARD_HEALTH_PATHS = Set.of("/q/health/started", "/q/health/ready", "/q/health/live");
    /** What cloud-sql-proxy serves with --health-check. */
    static final Set<String> PROXY_HEALTH_PATHS = Set.of("/startup", "/liveness", "/readiness");
    /** Cloud Run's limit on a startup probe: failureThreshold x periodSeconds. */
    static final int CLOUD_RUN_STARTUP_BUDGET_SECONDS = 240;

    /** The guard.* properties the guard knows: the catalogue is the single source. */
    static final List<String> GUARD_PROPERTIES = List.copyOf(dev.cloudsqlguard.config.Catalogue.DEFAULTS.keySet());

    static final Set<String> GUARD_ENV = GUARD_PROPERTIES.stream()
            .map(p -> p.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_"))
            .collect(Collectors.toCollection(TreeSet::new));

    static final Pattern SECRETISH = Pattern.compile("PASSWORD|SECRET|TOKEN");
    static final Pattern INSTANCE_CONNECTION_NAME = Pattern.compile("[a-z0-9.:-]+:[a-z0-9-]+:[a-z0-9-]+|PROJECT:REGION:INSTANCE");
    /** The images a user replaces: REGION-docker.pkg.dev/PROJECT/REPO/NAME:TAG. */
    static final Pattern IMAGE_PLACEHOLDER = Pattern.compile("REGION-docker\\.pkg\\.dev/PROJECT/REPO/[a-z0-9-]+:TAG");
    static final List<String> PLACEHOLDER_MARKS = List.of("PROJECT:REGION:INSTANCE", "REGION-docker.pkg.dev/PROJECT/REPO/");
    /** A change marker: a comment starting "CHANGE:" (prose that quotes it, "# CHANGE:", is not one). */
    static final Pattern CHANGE_MARK = Pattern.compile("(?:^|\\s)# CHANGE:");

    static final ObjectMapper YAML = new YAMLMapper();

    // ---------------------------------------------------------------- the two platforms as one pod view

    /** A pod as both platforms describe it: init containers (K8s native sidecars), main containers, volumes. */
    record Pod(String platform, List<Container> init, List<Container> main, List<Volume> volumes) {

        List<Container> all() {
            return Stream.concat(init.stream(), main.stream()).toList();
        }

        Container container(String name) {
            return all().stream().filter(c -> name.equals(c.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(platform + ": no container named " + name));
        }

        Volume volume(String name) {
            return volumes.stream().filter(v -> name.equals(v.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(platform + ": no volume named " + name));
        }

        /** The environment a container sees: its env entries plus, in K8s, the ConfigMap's data. */
        Map<String, String> environment(Container c) {
            Map<String, String> env = new LinkedHashMap<>();
            if (c.getEnvFrom() != null) {
                c.getEnvFrom().forEach(from -> {
                    assertThat(from.getConfigMapRef()).as("%s: envFrom of %s", platform, c.getName()).isNotNull();
                    assertThat(from.getConfigMapRef().getName()).isEqualTo("cloudsql-guard");
                    env.putAll(configMap().getData());
                });
            }
            if (c.getEnv() != null) {
                c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
            }
            return env;
        }

        /** The volume mounted at the directory holding {@code file}, in container {@code c}. */
        Optional<VolumeMount> mountHolding(Container c, String file) {
            return mounts(c).stream()
                    .filter(m -> file.startsWith(m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/"))
                    .findFirst();
        }
    }

    static List<VolumeMount> mounts(Container c) {
        return c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts();
    }

    static List<EnvVar> env(Container c) {
        return c.getEnv() == null ? List.of() : c.getEnv();
    }

    static List<ContainerPort> ports(Container c) {
        return c.getPorts() == null ? List.of() : c.getPorts();
    }

    static <T> T read(Path file, Class<T> type) {
        try {
            return YAML.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " as " + type.getSimpleName(), e);
        }
    }

    static io.fabric8.knative.serving.v1.Service cloudRun() {
        return read(CLOUD_RUN, io.fabric8.knative.serving.v1.Service.class);
    }

    static Deployment deployment() {
        return read(DEPLOYMENT, Deployment.class);
    }

    static ConfigMap configMap() {
        return read(CONFIGMAP, ConfigMap.class);
    }

    static Pod cloudRunPod() {
        RevisionSpec spec = cloudRun().getSpec().getTemplate().getSpec();
        return new Pod("Cloud Run", List.of(), spec.getContainers(), spec.getVolumes());
    }

    static Pod kubernetesPod() {
        PodSpec spec = deployment().getSpec().getTemplate().getSpec();
        return new Pod("Kubernetes", spec.getInitContainers(), spec.getContainers(), spec.getVolumes());
    }

    static Stream<Pod> pods() {
        return Stream.of(cloudRunPod(), kubernetesPod());
    }

    static Map<String, Probe> probes(Container c) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        if (c.getStartupProbe() != null) {
            probes.put("startupProbe", c.getStartupProbe());
        }
        if (c.getLivenessProbe() != null) {
            probes.put("livenessProbe", c.getLivenessProbe());
        }
        if (c.getReadinessProbe() != null) {
            probes.put("readinessProbe", c.getReadinessProbe());
        }
        return probes;
    }

    static int portNumber(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return ports(c).stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + port.getStrVal()));
    }

    static int guardHttpPort() {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The health paths below assume Quarkus' default roots: fail if someone moves them.
        assertThat(p.getProperty("quarkus.http.non-application-root-path", "q")).isIn("q", "/q");
        assertThat(p.getProperty("quarkus.smallrye-health.root-path", "health")).isIn("health", "/q/health");
        return Integer.parseInt(p.getProperty("quarkus.http.port", "8080").trim());
    }

    // ---------------------------------------------------------------- every file parses, with no unknown field

    @Test
    void everyManifestParsesIntoItsTypedModelWithoutUnknownFields() {
        io.fabric8.knative.serving.v1.Service run = cloudRun();
        assertThat(run.getApiVersion()).isEqualTo("serving.knative.dev/v1");
        assertThat(run.getKind()).isEqualTo("Service");
        assertThat(unknownFields(run, "cloud-run/service.yaml")).isEmpty();

        Deployment deployment = deployment();
        assertThat(deployment.getApiVersion()).isEqualTo("apps/v1");
        assertThat(deployment.getKind()).isEqualTo("Deployment");
        assertThat(unknownFields(deployment, "deployment.yaml")).isEmpty();

        ConfigMap cm = configMap();
        assertThat(cm.getKind()).isEqualTo("ConfigMap");
        assertThat(unknownFields(cm, "configmap.yaml")).isEmpty();

        Service service = read(SERVICE, Service.class);
        assertThat(service.getKind()).isEqualTo("Service");
        assertThat(unknownFields(service, "service.yaml")).isEmpty();

        Secret example = read(SECRET_EXAMPLE, Secret.class);
        assertThat(example.getKind()).isEqualTo("Secret");
        assertThat(unknownFields(example, "secret.example.yaml")).isEmpty();
    }

    @Test
    void applyingTheKubernetesDirectoryAppliesNoSecret() throws IOException {
        // "kubectl apply -f k8s/kubernetes/" reads only the top-level files: the example Secret stays out.
        try (Stream<Path> files = Files.list(K8S)) {
            List<Path> yamls = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yamls).extracting(f -> f.getFileName().toString())
                    .containsExactlyInAnyOrder("configmap.yaml", "deployment.yaml", "podmonitor.yaml", "service.yaml");
            for (Path f : yamls) {
                assertThat(read(f, GenericKubernetesResource.class).getKind()).as(f.toString()).isNotEqualTo("Secret");
            }
        }
    }

    // ---------------------------------------------------------------- probes

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void everyProbeOnTheGuardsPortTargetsAPathTheGuardServes(Pod pod) {
        int guardPort = guardHttpPort();
        assertThat(guardPort).isEqualTo(8090);
        int probesOnGuard = 0;
        for (Container c : pod.all()) {
            for (Map.Entry<String, Probe> e : probes(c).entrySet()) {
                String where = pod.platform() + " " + c.getName() + "." + e.getKey();
                HTTPGetAction get = e.getValue().getHttpGet();
                assertThat(get).as("%s is an HTTP GET", where).isNotNull();
                int port = portNumber(c, get.getPort());
                if (PROXY.equals(c.getName())) {
                    assertThat(get.getPath()).as(where).isIn(PROXY_HEALTH_PATHS);
                    assertThat(port).as(where).isNotEqualTo(guardPort);
                } else {
                    // The guard's own probes, and the app's readiness borrowed from the guard.
                    assertThat(port).as("%s port", where).isEqualTo(guardPort);
                    assertThat(get.getPath()).as("%s path", where).isIn(GUARD_HEALTH_PATHS);
                    probesOnGuard++;
                }
            }
        }
        assertThat(probesOnGuard).isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void theGuardIsStartedByStartedAndKeptAliveByLive(Pod pod) {
        Container guard = pod.container(GUARD);
        assertThat(guard.getStartupProbe()).as("%s: guard startupProbe", pod.platform()).isNotNull();
        assertThat(guard.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(guard.getLivenessProbe()).as("%s: guard livenessProbe", pod.platform()).isNotNull();
        // Never readiness or startup as liveness: a database outage would restart the guard in a loop.
        assertThat(guard.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        for (Probe p : probes(guard).values()) {
            assertThat(p.getTimeoutSeconds()).as("timeoutSeconds").isNotNull().isPositive();
            assertThat(p.getPeriodSeconds()).as("periodSeconds").isNotNull().isGreaterThanOrEqualTo(p.getTimeoutSeconds());
        }
    }

    @Test
    void cloudRunStartupProbesFitCloudRunsBudget() {
        Pod pod = cloudRunPod();
        for (Container c : pod.all()) {
            Probe p = c.getStartupProbe();
            if (p == null) {
                continue;
            }
            int delay = p.getInitialDelaySeconds() == null ? 0 : p.getInitialDelaySeconds();
            int period = p.getPeriodSeconds() == null ? 10 : p.getPeriodSeconds();
            int failures = p.getFailureThreshold() == null ? 3 : p.getFailureThreshold();
            assertThat(delay + period * failures).as("%s startupProbe: delay + period x threshold (s)", c.getName())
                    .isLessThanOrEqualTo(CLOUD_RUN_STARTUP_BUDGET_SECONDS);
        }
        assertThat(pod.container(GUARD).getStartupProbe()).isNotNull();
    }

    @Test
    void theAppIsReadyOnlyWhileTheGuardsCircuitIsClosed() {
        Container app = kubernetesPod().container(APP);
        Probe readiness = app.getReadinessProbe();
        assertThat(readiness).isNotNull();
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(portNumber(app, readiness.getHttpGet().getPort())).isEqualTo(guardHttpPort());
        // The port is the guard's (shared network namespace), not one the app declares.
        assertThat(ports(app)).extracting(ContainerPort::getContainerPort).doesNotContain(guardHttpPort());
        assertThat(ports(kubernetesPod().container(GUARD))).extracting(ContainerPort::getContainerPort)
                .contains(guardHttpPort());
    }

    // ---------------------------------------------------------------- start order

    @Test
    void cloudRunStartsTheAppAfterTheGuardsStartupProbe() throws IOException {
        Pod pod = cloudRunPod();
        String json = cloudRun().getSpec().getTemplate().getMetadata().getAnnotations()
                .get("run.googleapis.com/container-dependencies");
        assertThat(json).as("container-dependencies annotation").isNotNull();
        Map<String, List<String>> deps = new ObjectMapper().readValue(json, new TypeReference<>() { });
        Set<String> names = pod.all().stream().map(Container::getName).collect(Collectors.toSet());
        deps.forEach((container, waitsFor) -> {
            assertThat(names).as("container-dependencies key").contains(container);
            assertThat(names).as("container-dependencies of %s", container).containsAll(waitsFor);
            assertThat(waitsFor).as("%s waits for itself", container).doesNotContain(container);
            // Waiting on a container without a startup probe means waiting for nothing.
            waitsFor.forEach(w -> assertThat(pod.container(w).getStartupProbe()).as("startupProbe of %s", w).isNotNull());
        });
        assertThat(deps).containsEntry(APP, List.of(GUARD));
    }

    @Test
    void onlyTheAppContainerHasPortsInCloudRun() {
        List<Container> withPorts = cloudRunPod().all().stream().filter(c -> !ports(c).isEmpty()).toList();
        assertThat(withPorts).extracting(Container::getName).containsExactly(APP);
        assertThat(ports(withPorts.get(0))).hasSize(1);
    }

    @Test
    void kubernetesRunsProxyThenGuardAsNativeSidecarsBeforeTheApp() {
        Pod pod = kubernetesPod();
        assertThat(pod.init()).extracting(Container::getName).containsExactly(PROXY, GUARD);
        for (Container sidecar : pod.init()) {
            assertThat(sidecar.getRestartPolicy()).as("%s restartPolicy", sidecar.getName()).isEqualTo("Always");
            // The next container starts only when this one's startup probe passed.
            assertThat(sidecar.getStartupProbe()).as("%s startupProbe", sidecar.getName()).isNotNull();
        }
        assertThat(pod.main()).extracting(Container::getName).containsExactly(APP);
    }

    @Test
    void theProxyServesTheSocketDirectoryTheGuardProbes() {
        Pod pod = kubernetesPod();
        Container proxy = pod.container(PROXY);
        List<String> args = proxy.getArgs();
        assertThat(args).contains("--health-check", "--http-address=0.0.0.0");
        String socketDir = args.stream().filter(a -> a.startsWith("--unix-socket=")).findFirst()
                .map(a -> a.substring("--unix-socket=".length())).orElseThrow();
        String httpPort = args.stream().filter(a -> a.startsWith("--http-port=")).findFirst()
                .map(a -> a.substring("--http-port=".length())).orElse("9090");
        for (Probe p : probes(proxy).values()) {
            assertThat(portNumber(proxy, p.getHttpGet().getPort())).isEqualTo(Integer.parseInt(httpPort));
        }

        // The instance: one ConfigMap key, read by the guard and expanded into the proxy's arguments.
        EnvVar instance = env(proxy).stream().filter(e -> e.getValueFrom() != null).findFirst().orElseThrow();
        assertThat(instance.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("cloudsql-guard");
        assertThat(instance.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("GUARD_TARGET_INSTANCE");
        assertThat(args).contains("$(" + instance.getName() + ")");
        assertThat(configMap().getData().get("GUARD_TARGET_INSTANCE")).matches(INSTANCE_CONNECTION_NAME);

        Map<String, String> guardEnv = pod.environment(pod.container(GUARD));
        assertThat(guardEnv.get("GUARD_TARGET_SOCKET_DIR")).isEqualTo(socketDir);
        // proxy, guard and app see the socket directory on one shared volume, at the same path.
        String volume = mounts(proxy).stream().filter(m -> m.getMountPath().equals(socketDir)).findFirst()
                .orElseThrow().getName();
        assertThat(pod.volume(volume).getEmptyDir()).isNotNull();
        for (String name : List.of(GUARD, APP)) {
            assertThat(mounts(pod.container(name))).as("%s mounts %s", name, socketDir)
                    .anyMatch(m -> m.getName().equals(volume) && m.getMountPath().equals(socketDir));
        }
        assertThat(proxy.getImage()).matches("gcr\\.io/cloud-sql-connectors/cloud-sql-proxy:2\\.\\d+\\.\\d+");
    }

    @Test
    void cloudRunMountsTheInstanceTheGuardProbes() {
        Map<String, String> annotations = cloudRun().getSpec().getTemplate().getMetadata().getAnnotations();
        String instances = annotations.get("run.googleapis.com/cloudsql-instances");
        assertThat(instances).matches(INSTANCE_CONNECTION_NAME);
        Pod pod = cloudRunPod();
        Map<String, String> guardEnv = pod.environment(pod.container(GUARD));
        assertThat(guardEnv.get("GUARD_TARGET_INSTANCE")).isEqualTo(instances);
        // Cloud Run's Cloud SQL connection lives under /cloudsql, nowhere else.
        assertThat(guardEnv.getOrDefault("GUARD_TARGET_SOCKET_DIR", "/cloudsql")).isEqualTo("/cloudsql");
    }

    // ---------------------------------------------------------------- images

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void everyImageIsPinnedByATagExceptThePlaceholders(Pod pod) {
        for (Container c : pod.all()) {
            String image = c.getImage();
            if (IMAGE_PLACEHOLDER.matcher(image).matches()) {
                continue;
            }
            assertThat(image).as("%s %s", pod.platform(), c.getName()).doesNotContain("PROJECT", "REGION", "REPO");
            if (image.contains("@sha256:")) {
                continue;
            }
            String lastSegment = image.substring(image.lastIndexOf('/') + 1);
            assertThat(lastSegment).as("%s %s: image has a tag", pod.platform(), c.getName()).contains(":");
            assertThat(lastSegment.substring(lastSegment.indexOf(':') + 1)).as("%s %s tag", pod.platform(), c.getName())
                    .isNotBlank().isNotEqualToIgnoringCase("latest");
        }
        assertThat(pod.container(GUARD).getImage()).matches(IMAGE_PLACEHOLDER).contains("/cloudsql-guard:");
        assertThat(pod.container(APP).getImage()).matches(IMAGE_PLACEHOLDER);
    }

    /** Exactly the placeholders carry "# CHANGE:", and every "# CHANGE:" sits on a placeholder. */
    @Test
    void changeMarkersSitExactlyOnThePlaceholders() throws IOException {
        assertThat(changeMarkedLines(CLOUD_RUN)).hasSize(4); // the instance (annotation and env), two images
        assertThat(changeMarkedLines(CONFIGMAP)).hasSize(1); // the instance, read by proxy and guard
        assertThat(changeMarkedLines(DEPLOYMENT)).hasSize(2); // two images
        assertThat(changeMarkedLines(SERVICE)).isEmpty();
        assertThat(changeMarkedLines(PODMONITOR)).isEmpty();
    }

    /**
     * The non-comment lines with a placeholder; each must have a "# CHANGE:" on it or in the comment block
     * right above it, and no "# CHANGE:" may stand anywhere else.
     */
    static List<String> changeMarkedLines(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> placeholders = new ArrayList<>();
        Set<Integer> usedMarks = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("#") || PLACEHOLDER_MARKS.stream().noneMatch(line::contains)) {
                continue;
            }
            int mark = CHANGE_MARK.matcher(line).find() ? i : -1;
            for (int j = i - 1; mark < 0 && j >= 0 && lines.get(j).strip().startsWith("#"); j--) {
                if (CHANGE_MARK.matcher(lines.get(j)).find()) {
                    mark = j;
                }
            }
            assertThat(mark).as("%s:%d has a placeholder without a '# CHANGE:' comment: %s", file, i + 1, line)
                    .isNotNegative();
            usedMarks.add(mark);
            placeholders.add(line);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (CHANGE_MARK.matcher(lines.get(i)).find()) {
                assertThat(usedMarks).as("%s:%d '# CHANGE:' marks no placeholder", file, i + 1).contains(i);
            }
        }
        return placeholders;
    }

    // ---------------------------------------------------------------- secrets

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void noSecretIsInlined(Pod pod) {
        for (Container c : pod.all()) {
            for (EnvVar e : env(c)) {
                if (!SECRETISH.matcher(e.getName()).find()) {
                    continue;
                }
                String where = pod.platform() + " " + c.getName() + " env " + e.getName();
                if (e.getValue() != null) {
                    // Only a *_FILE variable may carry a literal, and only a path into a mounted secret.
                    assertThat(e.getName()).as(where).endsWith("_FILE");
                    assertSecretFile(pod, c, e.getValue(), where);
                } else {
                    assertThat(e.getValueFrom()).as(where).isNotNull();
                    assertThat(e.getValueFrom().getSecretKeyRef()).as("%s comes from a Secret", where).isNotNull();
                }
            }
            // A ConfigMap is not a secret store either.
            Map<String, String> fromConfigMap = c.getEnvFrom() == null || c.getEnvFrom().isEmpty() ? Map.of() : configMap().getData();
            fromConfigMap.forEach((key, value) -> {
                if (SECRETISH.matcher(key).find()) {
                    assertThat(key).as("ConfigMap key %s", key).endsWith("_FILE");
                    assertSecretFile(pod, c, value, "ConfigMap " + key);
                }
            });
        }
        // The guard's password comes from a file; the guard never sees GUARD_TARGET_PASSWORD.
        Map<String, String> guardEnv = pod.environment(pod.container(GUARD));
        assertThat(guardEnv).containsKey("GUARD_TARGET_PASSWORD_FILE").doesNotContainKey("GUARD_TARGET_PASSWORD");
        assertThat(guardEnv).containsKey("GUARD_TARGET_USER");
    }

    static void assertSecretFile(Pod pod, Container c, String path, String where) {
        VolumeMount mount = pod.mountHolding(c, path)
                .orElseThrow(() -> new AssertionError(where + ": " + path + " is on no volume of " + c.getName()));
        assertThat(mount.getReadOnly()).as("%s: secret mount is read-only", where).isTrue();
        assertThat(pod.volume(mount.getName()).getSecret()).as("%s: %s is a secret volume", where, mount.getName()).isNotNull();
    }

    @Test
    void theExampleSecretHoldsOnlyPlaceholders() {
        Secret example = read(SECRET_EXAMPLE, Secret.class);
        assertThat(example.getData()).as("no base64 data in the example").isNullOrEmpty();
        assertThat(example.getStringData()).isNotEmpty().containsKey("password");
        example.getStringData().forEach((k, v) -> assertThat(v).as(k).startsWith("REPLACE-WITH-"));
        // The Secret's keys are the ones the Deployment reads.
        PodSpec spec = deployment().getSpec().getTemplate().getSpec();
        Set<String> read = new TreeSet<>();
        spec.getVolumes().stream().filter(v -> v.getSecret() != null).forEach(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo(example.getMetadata().getName());
            v.getSecret().getItems().forEach(item -> read.add(item.getKey()));
        });
        assertThat(example.getStringData().keySet()).containsAll(read);
    }

    // ---------------------------------------------------------------- non-root

    @Test
    void theGuardRunsAsNonRootInKubernetes() {
        Container guard = kubernetesPod().container(GUARD);
        var sc = guard.getSecurityContext();
        assertThat(sc).isNotNull();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getRunAsUser()).isNotNull().isPositive();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).contains("ALL");
        // A read-only root needs a writable /tmp for Vert.x.
        assertThat(mounts(guard)).anyMatch(m -> m.getMountPath().equals("/tmp") && !Boolean.TRUE.equals(m.getReadOnly()));
        var proxy = kubernetesPod().container(PROXY).getSecurityContext();
        assertThat(proxy.getRunAsNonRoot()).isTrue();
        assertThat(proxy.getRunAsUser()).isPositive();
    }

    @Test
    void theGuardRunsAsNonRootOnCloudRun() throws IOException {
        // Cloud Run takes the user from the image: the guard's image is Dockerfile.native's final stage.
        Container guard = cloudRunPod().container(GUARD);
        assertThat(guard.getSecurityContext() == null || guard.getSecurityContext().getRunAsUser() == null
                || guard.getSecurityContext().getRunAsUser() != 0).isTrue();
        List<DockerfilesTest.Instruction> finalStage = DockerfilesTest.stages(Path.of("Dockerfile.native")).get(
                DockerfilesTest.stages(Path.of("Dockerfile.native")).size() - 1);
        String user = finalStage.stream().filter(i -> i.keyword().equals("USER")).reduce((a, b) -> b)
                .orElseThrow().args();
        assertThat(user).matches("[0-9]+(:[0-9]+)?");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
    }

    // ---------------------------------------------------------------- the state file

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void theStateFileIsOnAnInMemoryVolumeTheAppMountsToo(Pod pod) {
        Container guard = pod.container(GUARD);
        String stateFile = pod.environment(guard).get("GUARD_SIGNAL_STATE_FILE");
        assertThat(stateFile).as("%s GUARD_SIGNAL_STATE_FILE", pod.platform()).isNotBlank().startsWith("/");
        VolumeMount guardMount = pod.mountHolding(guard, stateFile)
                .orElseThrow(() -> new AssertionError(pod.platform() + ": " + stateFile + " is on no volume of the guard"));
        assertThat(guardMount.getReadOnly()).as("the guard writes the state file").isNotEqualTo(Boolean.TRUE);
        Volume volume = pod.volume(guardMount.getName());
        assertThat(volume.getEmptyDir()).as("%s: %s is an emptyDir", pod.platform(), volume.getName()).isNotNull();
        assertThat(volume.getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(volume.getEmptyDir().getSizeLimit()).as("sizeLimit").isNotNull();

        Container app = pod.container(APP);
        assertThat(mounts(app)).as("%s: the app mounts %s", pod.platform(), volume.getName())
                .anyMatch(m -> m.getName().equals(volume.getName()));
    }

    // ---------------------------------------------------------------- configuration keys

    @Test
    void configMapKeysAreRealGuardProperties() {
        Map<String, String> data = configMap().getData();
        assertThat(data).isNotEmpty();
        assertThat(GUARD_ENV).containsAll(data.keySet());
        assertThat(data).containsKeys("GUARD_TARGET_INSTANCE", "GUARD_TARGET_PASSWORD_FILE", "GUARD_SIGNAL_STATE_FILE");
        // Exactly one target form: the instance (through the proxy's socket directory).
        assertThat(data).doesNotContainKeys("GUARD_TARGET_SOCKET", "GUARD_TARGET_HOST");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void everyGuardEnvironmentVariableIsARealGuardProperty(Pod pod) {
        for (Container c : pod.all()) {
            for (EnvVar e : env(c)) {
                if (e.getName().startsWith("GUARD_")) {
                    assertThat(GUARD_ENV).as("%s %s", pod.platform(), c.getName()).contains(e.getName());
                }
            }
        }
    }

    // ---------------------------------------------------------------- Service and PodMonitor

    @Test
    void theServiceSelectsTheAppPodsOnTheAppsPort() {
        Service service = read(SERVICE, Service.class);
        Map<String, String> podLabels = deployment().getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(deployment().getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
        Container app = kubernetesPod().container(APP);
        service.getSpec().getPorts().forEach(p -> {
            int target = portNumber(app, p.getTargetPort());
            assertThat(target).isNotEqualTo(guardHttpPort());
            assertThat(ports(app)).extracting(ContainerPort::getContainerPort).contains(target);
        });
    }

    @Test
    void thePodMonitorScrapesTheGuardsMetrics() {
        GenericKubernetesResource monitor = read(PODMONITOR, GenericKubernetesResource.class);
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getKind()).isEqualTo("PodMonitor");
        Map<String, String> matchLabels = monitor.get("spec", "selector", "matchLabels");
        assertThat(deployment().getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(matchLabels);
        List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
        assertThat(endpoints).hasSize(1);
        Map<String, Object> endpoint = endpoints.get(0);
        assertThat(endpoint).containsEntry("path", "/q/metrics").containsEntry("port", "guard-http");
        assertThat(endpoint.keySet()).isSubsetOf("port", "path", "interval", "scrapeTimeout", "scheme", "honorLabels",
                "relabelings", "metricRelabelings");
        Container guard = kubernetesPod().container(GUARD);
        assertThat(portNumber(guard, new IntOrString("guard-http"))).isEqualTo(guardHttpPort());
        Map<String, Object> spec = monitor.get("spec");
        assertThat(spec.keySet())
                .isSubsetOf("selector", "podMetricsEndpoints", "namespaceSelector", "jobLabel", "podTargetLabels");
    }

    // ---------------------------------------------------------------- strict parsing

    /**
     * fabric8 keeps a field it does not know in {@code additionalProperties} instead of failing: a misspelt
     * {@code startupProbe} would parse and silently do nothing. Walk the model and report every such field.
     */
    static List<String> unknownFields(Object model, String path) {
        List<String> out = new ArrayList<>();
        walk(model, path, out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private static void walk(Object node, String path, List<String> out, Set<Object> seen) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object o : list) {
                walk(o, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.") || !seen.add(node)) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")) {
                continue;
            }
            Class<?> type = m.getReturnType();
            boolean additional = m.getName().equals("getAdditionalProperties");
            if (!additional && !Map.class.isAssignableFrom(type) && !Collection.class.isAssignableFrom(type)
                    && !type.getName().startsWith("io.fabric8.")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError("cannot read " + path + "." + m.getName(), e);
            }
            if (additional) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": unknown " + extra.keySet());
                }
            } else {
                String name = m.getName().substring(3);
                walk(value, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), out, seen);
            }
        }
    }

    /** Guards the strict walker itself: a misspelt field must be reported, a correct file must not. */
    @Test
    void aMisspeltFieldIsReported() throws IOException {
        String yaml = Files.readString(DEPLOYMENT).replaceFirst("startupProbe:", "startupprobe:");
        Deployment broken = YAML.readValue(yaml, Deployment.class);
        assertThat(unknownFields(broken, "deployment.yaml")).singleElement().asString().contains("startupprobe");
        String annotations = Files.readString(CLOUD_RUN).replace("volumeMounts:", "volumeMount:");
        io.fabric8.knative.serving.v1.Service run = YAML.readValue(annotations, io.fabric8.knative.serving.v1.Service.class);
        assertThat(unknownFields(run, "service.yaml")).hasSize(2).allMatch(s -> s.contains("volumeMount"));
        Objects.requireNonNull(run);
    }

    /** The instance-name pattern accepts real names and the placeholder, nothing looser. */
    @Test
    void theInstanceNamePatternIsStrict() {
        assertThat("my-project:europe-west1:main-db").matches(INSTANCE_CONNECTION_NAME);
        assertThat("example.com:my-project:us-central1:main-db").matches(INSTANCE_CONNECTION_NAME);
        assertThat("PROJECT:REGION:INSTANCE").matches(INSTANCE_CONNECTION_NAME);
        assertThat("main-db").doesNotMatch(INSTANCE_CONNECTION_NAME);
        Matcher m = IMAGE_PLACEHOLDER.matcher("REGION-docker.pkg.dev/PROJECT/REPO/app:latest");
        assertThat(m.matches()).isFalse();
    }
}
