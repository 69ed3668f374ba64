package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordSourceTest {

    @TempDir
    Path dir;

    private PasswordSource fileWith(String content) throws IOException {
        Path file = dir.resolve("password");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return PasswordSource.file(file);
    }

    @Test
    void literal() throws IOException {
        PasswordSource p = PasswordSource.literal("s3cr3t-value");
        assertThat(p.read()).isEqualTo("s3cr3t-value");
        assertThat(p.toString()).isEqualTo("password(****)").doesNotContain("s3cr3t-value");
        assertThat(String.valueOf(p)).doesNotContain("s3cr3t-value");
    }

    @Test
    void literalKeepsWhitespaceAndNewlines() throws IOException {
        assertThat(PasswordSource.literal(" pw\n").read()).isEqualTo(" pw\n");
    }

    @Test
    void fileWithoutNewline() throws IOException {
        assertThat(fileWith("s3cr3t").read()).isEqualTo("s3cr3t");
    }

    @Test
    void fileTrimsOneTrailingNewline() throws IOException {
        assertThat(fileWith("s3cr3t\n").read()).isEqualTo("s3cr3t");
        assertThat(fileWith("s3cr3t\r\n").read()).isEqualTo("s3cr3t");
    }

    @Test
    void fileTrimsOnlyOneTrailingNewline() throws IOException {
        assertThat(fileWith("s3cr3t\n\n").read()).isEqualTo("s3cr3t\n");
        assertThat(fileWith("s3cr3t\r\n\r\n").read()).isEqualTo("s3cr3t\r\n");
    }

    @Test
    void fileKeepsOtherWhitespace() throws IOException {
        assertThat(fileWith("  s3 cr3t \t\n").read()).isEqualTo("  s3 cr3t \t");
        assertThat(fileWith("\ns3cr3t").read()).isEqualTo("\ns3cr3t");
        assertThat(fileWith("s3cr3t\r").read()).isEqualTo("s3cr3t\r");
    }

    @Test
    void emptyFile() throws IOException {
        assertThat(fileWith("").read()).isEmpty();
        assertThat(fileWith("\n").read()).isEmpty();
    }

    @Test
    void fileIsUtf8() throws IOException {
        assertThat(fileWith("mötörhead€\n").read()).isEqualTo("mötörhead€");
    }

    @Test
    void fileIsReadAgainOnEveryCallSoRotationIsPickedUp() throws IOException {
        PasswordSource p = fileWith("first\n");
        assertThat(p.read()).isEqualTo("first");
        Files.writeString(dir.resolve("password"), "second\n", StandardCharsets.UTF_8);
        assertThat(p.read()).isEqualTo("second");
    }

    @Test
    void missingFileFailsOnRead() {
        PasswordSource p = PasswordSource.file(dir.resolve("absent"));
        assertThatThrownBy(p::read).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void fileToStringShowsThePathNeverTheValue() throws IOException {
        PasswordSource p = fileWith("s3cr3t-value\n");
        assertThat(p.toString()).isEqualTo("password-file(" + dir.resolve("password") + ")");
        p.read();
        assertThat(p.toString()).doesNotContain("s3cr3t-value");
        assertThat(((PasswordSource.File) p).path()).isEqualTo(dir.resolve("password"));
    }

    @Test
    void nullsAreRejected() {
        assertThatNullPointerException().isThrownBy(() -> PasswordSource.literal(null));
        assertThatNullPointerException().isThrownBy(() -> PasswordSource.file(null));
    }
}
