package dev.cloudsqlguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitArgumentsTest {

    @Test
    void defaultsToSixtySecondsAndNoCommand() {
        WaitArguments a = WaitArguments.parse();
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.command()).isEmpty();
    }

    @Test
    void acceptsTimeoutInBothSpellings() {
        assertThat(WaitArguments.parse("--timeout", "5s").timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(WaitArguments.parse("--timeout=250ms").timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(WaitArguments.parse("-t", "2m").timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(WaitArguments.parse("--timeout", "0").timeout()).isZero();
    }

    @Test
    void everythingAfterDoubleDashIsTheCommandVerbatim() {
        WaitArguments a = WaitArguments.parse("--timeout", "3s", "--", "app", "--timeout", "9", "--");
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(a.command()).containsExactly("app", "--timeout", "9", "--");
    }

    @Test
    void rejectsMistakesWithOneLineAndTheUsage() {
        for (List<String> bad : List.of(List.of("--timeout"), List.of("--timeout", "soon"), List.of("--bogus"),
                List.of("--"), List.of("app"), List.of("--timeout=-5s"))) {
            assertThatThrownBy(() -> WaitArguments.parse(bad))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("usage: cloudsql-guard wait")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }
}
