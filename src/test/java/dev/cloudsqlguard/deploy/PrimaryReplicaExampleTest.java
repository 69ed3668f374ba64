package dev.cloudsqlguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cloudsqlguard.config.Catalogue;
import dev.cloudsqlguard.config.GuardSettings;
import dev.cloudsqlguard.config.NamedTargets;
import dev.cloudsqlguard.config.Role;
import dev.cloudsqlguard.config.SettingsParser;
import dev.cloudsqlguard.config.TargetSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The primary + replica example is a configuration the guard accepts, and says what its comments say. */
class PrimaryReplicaExampleTest {

    static final Path EXAMPLE = Path.of("k8s/kubernetes/examples/primary-replica.configmap.yaml");

    @Test
    void everyKeyIsAPropertyAndTheTargetsAreAPrimaryThatGatesAndAReplicaThatDoesNot() throws Exception {
        JsonNode data = new YAMLMapper().readTree(EXAMPLE.toFile()).get("data");
        Map<String, String> raw = new LinkedHashMap<>();
        data.fields().forEachRemaining(e -> {
            String env = e.getKey();
            String key = NamedTargets.parse(env).map(k -> k.property().key(k.target()))
                    .orElseGet(() -> Catalogue.DEFAULTS.keySet().stream().filter(p -> Catalogue.envName(p).equals(env))
                            .findFirst().orElseThrow(() -> new AssertionError(env + " is not a guard property")));
            raw.put(key, e.getValue().asText().replace("PROJECT:REGION:INSTANCE", "p:r:i"));
        });
        GuardSettings settings = new SettingsParser(path -> "pw").parse(raw);
        assertThat(settings.targets()).extracting(TargetSettings::name).containsExactly("primary", "replica");
        TargetSettings primary = settings.targets().get(0);
        TargetSettings replica = settings.targets().get(1);
        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(primary.required()).isTrue();
        assertThat(replica.role()).isEqualTo(Role.REPLICA);
        assertThat(replica.required()).isFalse();
        assertThat(settings.deprecations()).isEmpty();
    }
}
