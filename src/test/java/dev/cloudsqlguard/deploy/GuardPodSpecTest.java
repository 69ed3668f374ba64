package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pod test runs what the manifests say because {@link GuardPodSpec} reads them: these tests check that
 * reading, and that a change to a manifest (a limit, the user, an environment variable) changes the
 * {@code podman run} options the pod test uses. Runs with the unit tests; needs no container engine.
 */
class GuardPodSpecTest {

    static final String MEMORY = "--memory=";

    static String flag(List<String> flags, String prefix) {
        return flags.stream().filter(f -> f.startsWith(prefix)).findFirst()
                .map(f -> f.substring(prefix.length())).orElseThrow(() -> new AssertionError("no " + prefix + " in " + flags));
    }

    @Test
    void kubernetesLimitsUserAndRootComeFromTheDeployment() {
        GuardPodSpec spec = GuardPodSpec.kubernetes();
        var guard = ManifestsTest.kubernetesPod().container(ManifestsTest.GUARD);
        List<String> flags = spec.podmanRunFlags(m -> "vol-" + m.volume());
        assertThat(flag(flags, MEMORY)).isEqualTo(String.valueOf(
                Quantity.getAmountInBytes(guard.getResources().getLimits().get("memory")).longValueExact()));
        assertThat(flag(flags, "--memory-swap=")).as("no swap, as the kubelet").isEqualTo(flag(flags, MEMORY));
        assertThat(new BigDecimal(flag(flags, "--cpus="))).isEqualByComparingTo(
                Quantity.getAmountInBytes(guard.getResources().getLimits().get("cpu")));
        assertThat(flag(flags, "--user=")).isEqualTo(guard.getSecurityContext().getRunAsUser() + ":"
                + guard.getSecurityContext().getRunAsGroup());
        assertThat(flags).contains("--read-only", "--read-only-tmpfs=false", "--cap-drop=ALL",
                "--security-opt=no-new-privileges");
        // every guard.* setting of the ConfigMap is in the container's environment
        ManifestsTest.configMap().getData().forEach((k, v) -> assertThat(flags).contains("--env=" + k + "=" + v));
        // the volumes, at the guard's paths, read-only where the manifest says so
        assertThat(guard.getVolumeMounts()).isNotEmpty().allSatisfy(m -> assertThat(flags).contains("--volume=vol-"
                + m.getName() + ":" + m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? ":ro" : "")));
        assertThat(spec.startup().path()).isEqualTo(guard.getStartupProbe().getHttpGet().getPath());
        assertThat(spec.readiness().path()).as("the app's readiness is the guard's").isEqualTo("/q/health/ready");
        assertThat(spec.mountHolding(spec.require("GUARD_TARGET_PASSWORD_FILE")).fileMode()).isEqualTo(0440);
    }

    /** Edit the Deployment's text as a user would: the pod test's options follow. */
    @Test
    void aChangedManifestChangesWhatThePodTestRuns() throws IOException {
        String yaml = Files.readString(ManifestsTest.DEPLOYMENT);
        String guardLimits = "            limits:\n              cpu: 250m\n              memory: 128Mi\n";
        assertThat(yaml).as("the guard's limits block, as this test edits it").contains(guardLimits);
        String edited = yaml.replace(guardLimits, "            limits:\n              cpu: 500m\n              memory: 96Mi\n")
                .replace("runAsUser: 1001", "runAsUser: 2000").replace("periodSeconds: 2\n            timeoutSeconds: 1\n"
                        + "            failureThreshold: 150", "periodSeconds: 3\n            timeoutSeconds: 1\n"
                        + "            failureThreshold: 150");
        GuardPodSpec spec = GuardPodSpec.kubernetes(ManifestsTest.YAML.readValue(edited, Deployment.class));
        List<String> flags = spec.podmanRunFlags(m -> m.volume());
        assertThat(flag(flags, MEMORY)).isEqualTo(String.valueOf(96L * 1024 * 1024));
        assertThat(flag(flags, "--cpus=")).isEqualTo("0.5");
        assertThat(flag(flags, "--user=")).startsWith("2000:");
        assertThat(spec.startup().periodSeconds()).isEqualTo(3);
    }

    @Test
    void cloudRunRunsTheImagesUserWithTheServicesLimits() {
        GuardPodSpec spec = GuardPodSpec.cloudRun();
        var guard = ManifestsTest.cloudRunPod().container(ManifestsTest.GUARD);
        List<String> flags = spec.podmanRunFlags(m -> m.volume());
        assertThat(flags).noneMatch(f -> f.startsWith("--user=")).doesNotContain("--read-only");
        assertThat(flag(flags, MEMORY)).isEqualTo(String.valueOf(
                Quantity.getAmountInBytes(guard.getResources().getLimits().get("memory")).longValueExact()));
        assertThat(new BigDecimal(flag(flags, "--cpus="))).isEqualByComparingTo(
                Quantity.getAmountInBytes(guard.getResources().getLimits().get("cpu")));
        guard.getEnv().forEach(e -> assertThat(flags).contains("--env=" + e.getName() + "=" + e.getValue()));
        // Cloud Run mounts /cloudsql itself (run.googleapis.com/cloudsql-instances): read-only, for the guard and the app
        assertThat(flags).contains("--volume=cloudsql:/cloudsql:ro");
        assertThat(spec.appMounts()).extracting(GuardPodSpec.Mount::volume).contains("cloudsql", "guard-state");
        assertThat(spec.startup().periodSeconds()).isEqualTo(guard.getStartupProbe().getPeriodSeconds());
        assertThat(spec.terminationGraceSeconds()).isEqualTo(GuardPodSpec.CLOUD_RUN_SHUTDOWN_GRACE_SECONDS);
    }

    @Test
    void quantitiesBecomePodmanUnits() {
        assertThat(GuardPodSpec.bytes(new Quantity("128Mi"))).isEqualTo(134_217_728L);
        assertThat(GuardPodSpec.bytes(new Quantity("100M"))).isEqualTo(100_000_000L);
        assertThat(GuardPodSpec.cores(new Quantity("250m"))).isEqualByComparingTo("0.25");
        assertThat(GuardPodSpec.cores(new Quantity("1"))).isEqualByComparingTo("1");
        var oneMi = new GuardPodSpec.Mount("v", "/v", false, GuardPodSpec.Kind.MEMORY, 1_048_576L, List.of(), 0);
        assertThat(GuardPodSpec.tmpfsVolumeOptions(oneMi)).contains("o=nr_blocks=256,mode=0777");
        var odd = new GuardPodSpec.Mount("v", "/v", false, GuardPodSpec.Kind.MEMORY, 5000L, List.of(), 0);
        assertThat(GuardPodSpec.tmpfsVolumeOptions(odd)).as("rounded up to whole pages").contains("o=nr_blocks=2,mode=0777");
        assertThat(GuardPod.permissions(0440)).extracting(Enum::name).containsExactlyInAnyOrder("OWNER_READ", "GROUP_READ");
    }
}
