package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cloudsqlguard.cli.DiagnoseArguments;
import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.SettingsParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The diagnose Jobs (Cloud Run and Kubernetes) run the guard's image with {@code diagnose} and the
 * same configuration and secret as the service's guard, so they walk the path the guard walks.
 */
class DiagnoseJobTest {

    static final Path CLOUD_RUN_JOB = Path.of("k8s/cloud-run/diagnose-job.yaml");
    static final Path CLOUD_RUN_SERVICE = Path.of("k8s/cloud-run/service.yaml");
    static final Path KUBERNETES_JOB = Path.of("k8s/kubernetes/examples/diagnose-job.yaml");
    static final Path DEPLOYMENT = Path.of("k8s/kubernetes/deployment.yaml");
    static final Path CONFIGMAP = Path.of("k8s/kubernetes/configmap.yaml");

    static JsonNode yaml(Path p) throws Exception {
        return new YAMLMapper().readTree(p.toFile());
    }

    static JsonNode container(JsonNode containers, String name) {
        for (JsonNode c : containers) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in " + containers);
    }

    static List<String> args(JsonNode container) {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        return args;
    }

    static void runsDiagnose(JsonNode container) {
        List<String> args = args(container);
        assertThat(args).first().isEqualTo("diagnose");
        DiagnoseArguments.parse(args.subList(1, args.size())); // throws on a mistake
    }

    @Test
    void theCloudRunJobDiagnosesWithTheServicesImageConfigurationAndSecret() throws Exception {
        JsonNode job = yaml(CLOUD_RUN_JOB);
        assertThat(job.path("kind").asText()).isEqualTo("Job");
        JsonNode template = job.path("spec").path("template");
        JsonNode task = template.path("spec").path("template").path("spec");
        assertThat(task.path("maxRetries").asInt()).as("one run: its exit code is the verdict").isZero();
        JsonNode diagnose = container(task.path("containers"), "cloudsql-guard-diagnose");
        runsDiagnose(diagnose);

        JsonNode service = yaml(CLOUD_RUN_SERVICE).path("spec").path("template");
        JsonNode guard = container(service.path("spec").path("containers"), "cloudsql-guard");
        assertThat(diagnose.path("image").asText()).isEqualTo(guard.path("image").asText());
        assertThat(template.path("metadata").path("annotations").path("run.googleapis.com/cloudsql-instances").asText())
                .isEqualTo(service.path("metadata").path("annotations").path("run.googleapis.com/cloudsql-instances")
                        .asText());
        Map<String, String> jobEnv = env(diagnose);
        Map<String, String> guardEnv = env(guard);
        guardEnv.remove("GUARD_SIGNAL_STATE_FILE"); // the one-shot command writes no state file
        assertThat(jobEnv).isEqualTo(guardEnv);
        assertThat(jobEnv).doesNotContainKey("GUARD_TARGET_PASSWORD");
        parses(jobEnv);
        assertThat(task.path("volumes").get(0).path("secret").path("secretName").asText())
                .isEqualTo(service.path("spec").path("volumes").get(1).path("secret").path("secretName").asText());
    }

    @Test
    void theKubernetesJobDiagnosesBesideTheSameProxyWithTheSameConfigMapAndSecret() throws Exception {
        JsonNode pod = yaml(KUBERNETES_JOB).path("spec").path("template").path("spec");
        assertThat(yaml(KUBERNETES_JOB).path("spec").path("backoffLimit").asInt()).isZero();
        JsonNode proxy = container(pod.path("initContainers"), "cloud-sql-proxy");
        assertThat(proxy.path("restartPolicy").asText()).as("a native sidecar: the job ends with diagnose").isEqualTo("Always");
        JsonNode deploymentPod = yaml(DEPLOYMENT).path("spec").path("template").path("spec");
        JsonNode deploymentProxy = container(deploymentPod.path("initContainers"), "cloud-sql-proxy");
        assertThat(proxy.path("image").asText()).isEqualTo(deploymentProxy.path("image").asText());
        JsonNode diagnose = container(pod.path("containers"), "cloudsql-guard-diagnose");
        runsDiagnose(diagnose);
        JsonNode guard = container(deploymentPod.path("initContainers"), "cloudsql-guard");
        assertThat(diagnose.path("image").asText()).isEqualTo(guard.path("image").asText());
        assertThat(diagnose.path("envFrom").get(0).path("configMapRef").path("name").asText()).isEqualTo("cloudsql-guard");
        String passwordFile = yaml(CONFIGMAP).path("data").path("GUARD_TARGET_PASSWORD_FILE").asText();
        boolean mounted = false;
        for (JsonNode m : diagnose.path("volumeMounts")) {
            mounted |= passwordFile.startsWith(m.path("mountPath").asText() + "/");
        }
        assertThat(mounted).as("the password file %s is mounted", passwordFile).isTrue();
    }

    static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    static void parses(Map<String, String> env) {
        Map<String, String> raw = new LinkedHashMap<>();
        env.forEach((name, value) -> raw.put(Catalogue.DEFAULTS.keySet().stream()
                .filter(k -> Catalogue.envName(k).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not a guard property")),
                value.replace("PROJECT:REGION:INSTANCE", "p:r:i")));
        new SettingsParser(path -> "pw").parse(raw);
    }
}
