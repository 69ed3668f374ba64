package dev.cloudsqlguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiagnoseArgumentsTest {

    @Test
    void defaults() {
        assertThat(DiagnoseArguments.parse()).isEqualTo(new DiagnoseArguments(Optional.empty(), 5, false));
    }

    @Test
    void everyOptionInBothSpellings() {
        assertThat(DiagnoseArguments.parse("--target", "main", "--probes", "7", "--json"))
                .isEqualTo(new DiagnoseArguments(Optional.of("main"), 7, true));
        assertThat(DiagnoseArguments.parse("--target=reports", "--probes=1"))
                .isEqualTo(new DiagnoseArguments(Optional.of("reports"), 1, false));
    }

    @Test
    void mistakesAreOneLineWithTheUsage() {
        for (String[] bad : new String[][] {{"--probes", "0"}, {"--probes", "101"}, {"--probes", "x"}, {"--probes"},
                {"--target"}, {"--verbose"}, {"--probes", "1\nERROR forged"}}) {
            assertThatThrownBy(() -> DiagnoseArguments.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(DiagnoseArguments.USAGE)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
