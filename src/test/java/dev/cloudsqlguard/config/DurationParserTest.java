package dev.cloudsqlguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

    @ParameterizedTest(name = "''{0}'' = {1} ms")
    @CsvSource(delimiter = '|', value = {
            "100ms | 100",
            "0ms | 0",
            "1ms | 1",
            "2s | 2000",
            "1.5s | 1500",
            "0.25s | 250",
            "0.1s | 100",
            "5m | 300000",
            "1.5m | 90000",
            "1h | 3600000",
            "1d | 86400000",
            "2 | 2000",
            "0.5 | 500",
            "0 | 0",
            "2S | 2000",
            "100MS | 100",
            "PT2S | 2000",
            "pt2s | 2000",
            "PT0.5S | 500",
            "PT1M30S | 90000",
            "P1D | 86400000",
            "PT1H | 3600000",
    })
    void parses(String text, long millis) {
        assertThat(DurationParser.parse(text)).contains(Duration.ofMillis(millis));
    }

    @Test
    void fractionalMillisecondsKeepNanosecondPrecision() {
        assertThat(DurationParser.parse("1.5ms")).contains(Duration.ofNanos(1_500_000));
        assertThat(DurationParser.parse("0.001s")).contains(Duration.ofMillis(1));
    }

    @Test
    void surroundingAndInnerWhitespace() {
        assertThat(DurationParser.parse("  2s  ")).contains(Duration.ofSeconds(2));
        assertThat(DurationParser.parse("\t100ms\n")).contains(Duration.ofMillis(100));
        assertThat(DurationParser.parse("2 s")).contains(Duration.ofSeconds(2));
        assertThat(DurationParser.parse(" PT2S ")).contains(Duration.ofSeconds(2));
        assertThat(DurationParser.parse(" 3 ")).contains(Duration.ofSeconds(3));
    }

    @ParameterizedTest(name = "''{0}'' is not a duration")
    @ValueSource(strings = {"", " ", "abc", "s", "ms", "2x", "2 sec", "2seconds", "1e3", ".5s", "5.", "1,5s", "2s2",
            "1w", "1y", "PT", "P", "PTxS", "P1", "two seconds", "0x10", "∞", "2s;", "NaN", "Infinity"})
    void garbage(String text) {
        assertThat(DurationParser.parse(text)).isEmpty();
    }

    @Test
    void nullIsNotADuration() {
        assertThat(DurationParser.parse(null)).isEmpty();
    }

    @Test
    void negativeSimpleDurationsAreRejected() {
        assertThat(DurationParser.parse("-1s")).isEmpty();
        assertThat(DurationParser.parse("-100ms")).isEmpty();
        assertThat(DurationParser.parse("-5")).isEmpty();
    }

    @Test
    void negativeIsoDurationIsParsedAsNegative() {
        // Accepted as a value; SettingsParser then rejects it as below the property's minimum.
        assertThat(DurationParser.parse("-PT2S")).contains(Duration.ofSeconds(-2));
        assertThat(DurationParser.parse("PT-2S")).contains(Duration.ofSeconds(-2));
    }

    @Test
    void overflowIsRejected() {
        assertThat(DurationParser.parse("99999999999999999999d")).isEmpty();
        assertThat(DurationParser.parse("9".repeat(400) + "ms")).isEmpty();
        assertThat(DurationParser.parse("PT99999999999999999999H")).isEmpty();
    }

    @Test
    void valuesBeyondTheNanosecondRangeAreNeverSilentlyChanged() {
        // 200 000 days is more than Long.MAX_VALUE nanoseconds (about 106 751 days): the parser
        // must either return exactly that or refuse it, never a different duration.
        Optional<Duration> parsed = DurationParser.parse("200000d");
        assertThat(parsed.isEmpty() || parsed.get().equals(Duration.ofDays(200_000)))
                .as("parse(200000d) = %s", parsed).isTrue();
        Optional<Duration> hours = DurationParser.parse("3000000h");
        assertThat(hours.isEmpty() || hours.get().equals(Duration.ofHours(3_000_000)))
                .as("parse(3000000h) = %s", hours).isTrue();
    }

    @Test
    void largeButRepresentableValuesAreExact() {
        assertThat(DurationParser.parse("100000d")).contains(Duration.ofDays(100_000));
        assertThat(DurationParser.parse("365d")).contains(Duration.ofDays(365));
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
            "0, 0ms",
            "1, 1ms",
            "250, 250ms",
            "999, 999ms",
            "1000, 1s",
            "1001, 1.001s",
            "1010, 1.01s",
            "1100, 1.1s",
            "1500, 1.5s",
            "2000, 2s",
            "60000, 60s",
            "90000, 90s",
            "86400000, 86400s",
    })
    void format(long millis, String expected) {
        assertThat(DurationParser.format(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @Test
    void formatTruncatesBelowOneMillisecond() {
        assertThat(DurationParser.format(Duration.ofNanos(999_999))).isEqualTo("0ms");
        assertThat(DurationParser.format(Duration.ofNanos(1_500_000))).isEqualTo("1ms");
    }

    @Test
    void formatThenParseRoundTrips() {
        for (long ms : new long[] {1, 10, 250, 999, 1000, 1001, 1500, 2000, 12_345, 3_600_000}) {
            Duration d = Duration.ofMillis(ms);
            assertThat(DurationParser.parse(DurationParser.format(d))).as("%d ms", ms).contains(d);
        }
    }
}
