package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toStringNeverShowsTheValue() {
        Secret s = new Secret("tok-0123456789abcdef");
        assertThat(s.toString()).isEqualTo("****");
        assertThat(s.reveal()).isEqualTo("tok-0123456789abcdef");
        assertThat("" + s).doesNotContain("tok-");
    }

    @Test
    void recordsHoldingSecretsDoNotShowThem() {
        Secret s = new Secret("tok-0123456789abcdef");
        assertThat(new AdminSettings(true, Optional.of(s)).toString()).doesNotContain("tok-");
        assertThat(new WebhookSettings(List.of(), Optional.of(s), java.time.Duration.ofSeconds(1), 1,
                java.time.Duration.ofMillis(1), 1).toString()).doesNotContain("tok-");
    }

    @Test
    void nullIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> new Secret(null));
    }
}
