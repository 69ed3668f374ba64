package dev.cloudsqlguard.deploy;

import io.fabric8.knative.serving.v1.RevisionSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The guard's container as one of the manifests describes it, in the terms a container engine needs: user,
 * read-only root, limits and requests, environment, volumes, probes and grace period. It is read from the
 * manifests as {@link ManifestsTest} parses them, never repeated: the pod test ({@link GuardPodRun}) runs what
 * {@code k8s/} says, so a change to a limit, the user, an environment variable or a probe there is a change of
 * what runs here. {@link #podmanRunFlags} translates it into {@code podman run} options, as the kubelet would.
 */
record GuardPodSpec(String platform, Long uid, Long gid, Long fsGroup, boolean readOnlyRoot, boolean noNewPrivileges,
        List<String> dropCapabilities, long memoryLimitBytes, BigDecimal cpuLimit, Long memoryRequestBytes,
        BigDecimal cpuRequest, Map<String, String> env, List<Mount> mounts, List<Mount> appMounts, HttpProbe startup,
        HttpProbe liveness, HttpProbe readiness, int terminationGraceSeconds) {

    /** What a volume is: an in-memory emptyDir, a disk emptyDir, a secret's files, or the platform's own mount. */
    enum Kind { MEMORY, DISK, SECRET, PLATFORM }

    /** One volume mounted into a container: size limit in bytes (null: none), the secret's file names and mode. */
    record Mount(String volume, String path, boolean readOnly, Kind kind, Long sizeLimitBytes, List<String> files,
            int fileMode) {
    }

    /** An HTTP GET probe with Kubernetes' defaults filled in. */
    record HttpProbe(String path, int port, int initialDelaySeconds, int periodSeconds, int timeoutSeconds,
            int failureThreshold) {

        static HttpProbe of(Probe p, Container c) {
            if (p == null) {
                return null;
            }
            return new HttpProbe(p.getHttpGet().getPath(), ManifestsTest.portNumber(c, p.getHttpGet().getPort()),
                    or(p.getInitialDelaySeconds(), 0), or(p.getPeriodSeconds(), 10), or(p.getTimeoutSeconds(), 1),
                    or(p.getFailureThreshold(), 3));
        }
    }

    /** Kubernetes' default mode of the files of a secret volume (0644). */
    static final int SECRET_DEFAULT_MODE = 0644;
    /** Cloud Run sends SIGTERM and kills 10 s later; its manifest has no field for it. */
    static final int CLOUD_RUN_SHUTDOWN_GRACE_SECONDS = 10;

    /** The guard of k8s/kubernetes/deployment.yaml, with configmap.yaml as its environment. */
    static GuardPodSpec kubernetes() {
        return kubernetes(ManifestsTest.deployment());
    }

    static GuardPodSpec kubernetes(Deployment deployment) {
        PodSpec podSpec = deployment.getSpec().getTemplate().getSpec();
        ManifestsTest.Pod pod = new ManifestsTest.Pod("Kubernetes", podSpec.getInitContainers(), podSpec.getContainers(),
                podSpec.getVolumes());
        Container guard = pod.container(ManifestsTest.GUARD);
        Container app = pod.container(ManifestsTest.APP);
        SecurityContext sc = Objects.requireNonNull(guard.getSecurityContext(), "the guard's securityContext");
        PodSecurityContext psc = podSpec.getSecurityContext();
        return new GuardPodSpec("kubernetes", sc.getRunAsUser(), sc.getRunAsGroup(), psc == null ? null : psc.getFsGroup(),
                Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem()), Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()),
                sc.getCapabilities() == null || sc.getCapabilities().getDrop() == null ? List.of() : sc.getCapabilities().getDrop(),
                bytes(limit(guard, "memory")), cores(limit(guard, "cpu")), request(guard, "memory") == null ? null
                        : bytes(request(guard, "memory")), request(guard, "cpu") == null ? null : cores(request(guard, "cpu")),
                pod.environment(guard), mounts(pod, guard), sharedMounts(pod, guard, app),
                HttpProbe.of(guard.getStartupProbe(), guard), HttpProbe.of(guard.getLivenessProbe(), guard),
                HttpProbe.of(app.getReadinessProbe(), app), or(podSpec.getTerminationGracePeriodSeconds(), 30L).intValue());
    }

    /**
     * The guard of k8s/cloud-run/service.yaml. Cloud Run runs the image's USER on a writable root, and provides
     * /cloudsql itself (run.googleapis.com/cloudsql-instances): a read-only PLATFORM mount at the socket directory.
     */
    static GuardPodSpec cloudRun() {
        return cloudRun(ManifestsTest.cloudRun());
    }

    static GuardPodSpec cloudRun(io.fabric8.knative.serving.v1.Service service) {
        RevisionSpec spec = service.getSpec().getTemplate().getSpec();
        ManifestsTest.Pod pod = new ManifestsTest.Pod("Cloud Run", List.of(), spec.getContainers(), spec.getVolumes());
        Container guard = pod.container(ManifestsTest.GUARD);
        Container app = pod.container(ManifestsTest.APP);
        Map<String, String> env = pod.environment(guard);
        List<Mount> mounts = new ArrayList<>(mounts(pod, guard));
        String socketDir = env.getOrDefault("GUARD_TARGET_SOCKET_DIR", "/cloudsql");
        Mount cloudsql = new Mount("cloudsql", socketDir, true, Kind.PLATFORM, null, List.of(), 0);
        mounts.add(cloudsql);
        List<Mount> appMounts = new ArrayList<>(sharedMounts(pod, guard, app));
        appMounts.add(cloudsql);
        return new GuardPodSpec("cloud-run", null, null, null, false, false, List.of(),
                bytes(limit(guard, "memory")), cores(limit(guard, "cpu")), null, null, env, mounts, appMounts,
                HttpProbe.of(guard.getStartupProbe(), guard), HttpProbe.of(guard.getLivenessProbe(), guard),
                HttpProbe.of(app.getReadinessProbe(), app), CLOUD_RUN_SHUTDOWN_GRACE_SECONDS);
    }

    static List<Mount> mounts(ManifestsTest.Pod pod, Container c) {
        List<Mount> out = new ArrayList<>();
        for (VolumeMount m : ManifestsTest.mounts(c)) {
            Volume v = pod.volume(m.getName());
            boolean ro = Boolean.TRUE.equals(m.getReadOnly());
            if (v.getEmptyDir() != null) {
                Quantity size = v.getEmptyDir().getSizeLimit();
                out.add(new Mount(v.getName(), m.getMountPath(), ro, "Memory".equals(v.getEmptyDir().getMedium())
                        ? Kind.MEMORY : Kind.DISK, size == null ? null : bytes(size), List.of(), 0));
            } else if (v.getSecret() != null) {
                List<String> files = v.getSecret().getItems().stream().map(i -> i.getPath()).toList();
                out.add(new Mount(v.getName(), m.getMountPath(), ro, Kind.SECRET, null, files,
                        or(v.getSecret().getDefaultMode(), SECRET_DEFAULT_MODE)));
            } else {
                throw new AssertionError(pod.platform() + ": volume " + v.getName() + " is of a kind the pod test cannot make");
            }
        }
        return out;
    }

    /** The app's mounts of volumes the guard mounts too (the state file, the socket directory). */
    static List<Mount> sharedMounts(ManifestsTest.Pod pod, Container guard, Container app) {
        List<String> guardVolumes = ManifestsTest.mounts(guard).stream().map(VolumeMount::getName).toList();
        return mounts(pod, app).stream().filter(m -> guardVolumes.contains(m.volume())).toList();
    }

    /** podman run options for the guard: {@code source} names the podman volume or host directory of each mount. */
    List<String> podmanRunFlags(Function<Mount, String> source) {
        List<String> flags = new ArrayList<>();
        if (uid != null) {
            flags.add("--user=" + uid + (gid == null ? "" : ":" + gid));
        }
        if (fsGroup != null && !fsGroup.equals(gid)) {
            flags.add("--group-add=" + fsGroup);
        }
        if (readOnlyRoot) {
            // only the declared volumes are writable: no tmpfs of podman's own on /tmp, /run, /var/tmp
            flags.add("--read-only");
            flags.add("--read-only-tmpfs=false");
        }
        if (noNewPrivileges) {
            flags.add("--security-opt=no-new-privileges");
        }
        dropCapabilities.forEach(cap -> flags.add("--cap-drop=" + cap));
        // the kubelet gives a container no swap: memory+swap = memory
        flags.add("--memory=" + memoryLimitBytes);
        flags.add("--memory-swap=" + memoryLimitBytes);
        if (memoryRequestBytes != null) {
            flags.add("--memory-reservation=" + memoryRequestBytes);
        }
        flags.add("--cpus=" + cpuLimit.stripTrailingZeros().toPlainString());
        if (cpuRequest != null) {
            // the kubelet's cgroup v1 shares for a request: millicores x 1024 / 1000, at least 2
            long shares = cpuRequest.multiply(BigDecimal.valueOf(1024)).setScale(0, RoundingMode.DOWN).longValue();
            flags.add("--cpu-shares=" + Math.max(2, shares));
        }
        env.forEach((k, v) -> flags.add("--env=" + k + "=" + v));
        for (Mount m : mounts) {
            flags.add("--volume=" + source.apply(m) + ":" + m.path() + (m.readOnly() ? ":ro" : ""));
        }
        return flags;
    }

    /** podman volume create options for an in-memory emptyDir: a tmpfs of sizeLimit, 0777 as the kubelet makes it. */
    static List<String> tmpfsVolumeOptions(Mount m) {
        // podman 4.3 refuses o=size= on a volume (it wants a project quota): nr_blocks is the same limit in pages
        String size = m.sizeLimitBytes() == null ? "" : "nr_blocks=" + Math.max(1, (m.sizeLimitBytes() + 4095) / 4096) + ",";
        return List.of("--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=" + size + "mode=0777");
    }

    /** The same container with one environment variable set: the edit a user makes on a "# CHANGE:" line. */
    GuardPodSpec withEnv(String variable, String value) {
        Map<String, String> changed = new java.util.LinkedHashMap<>(env);
        changed.put(variable, value);
        return new GuardPodSpec(platform, uid, gid, fsGroup, readOnlyRoot, noNewPrivileges, dropCapabilities,
                memoryLimitBytes, cpuLimit, memoryRequestBytes, cpuRequest, Map.copyOf(changed), mounts, appMounts, startup,
                liveness, readiness, terminationGraceSeconds);
    }

    Mount mountHolding(String file) {
        return mounts.stream().filter(m -> file.startsWith(m.path().endsWith("/") ? m.path() : m.path() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError(platform + ": " + file + " is on no volume of the guard"));
    }

    String require(String variable) {
        String value = env.get(variable);
        if (value == null) {
            throw new AssertionError(platform + ": the guard's environment has no " + variable);
        }
        return value;
    }

    private static Quantity limit(Container c, String resource) {
        Quantity q = c.getResources() == null || c.getResources().getLimits() == null ? null
                : c.getResources().getLimits().get(resource);
        if (q == null) {
            throw new AssertionError(c.getName() + " has no " + resource + " limit");
        }
        return q;
    }

    private static Quantity request(Container c, String resource) {
        return c.getResources() == null || c.getResources().getRequests() == null ? null
                : c.getResources().getRequests().get(resource);
    }

    static long bytes(Quantity q) {
        return Quantity.getAmountInBytes(q).setScale(0, RoundingMode.UP).longValueExact();
    }

    static BigDecimal cores(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
