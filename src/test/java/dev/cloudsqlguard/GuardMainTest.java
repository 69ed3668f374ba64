package dev.cloudsqlguard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The HTTP port, which Quarkus reads before the guard could, is checked with the guard's rules. */
class GuardMainTest {

    @Test
    void aPortIsAWholeNumberFromZeroTo65535() {
        assertThat(GuardMain.portProblem(null, null)).isEmpty();
        assertThat(GuardMain.portProblem(null, "8090")).isEmpty();
        assertThat(GuardMain.portProblem(null, "0")).as("0: any free port").isEmpty();
        assertThat(GuardMain.portProblem(null, "abc")).contains("QUARKUS_HTTP_PORT: 'abc' is not a whole number");
        assertThat(GuardMain.portProblem(null, "70000")).contains("QUARKUS_HTTP_PORT: is 70000, outside 0-65535");
        assertThat(GuardMain.portProblem("-1", "8090")).as("the system property wins")
                .contains("quarkus.http.port: is -1, outside 0-65535");
        assertThat(GuardMain.portProblem(null, "80\n80")).hasValueSatisfying(p -> assertThat(p).doesNotContain("\n"));
    }
}
