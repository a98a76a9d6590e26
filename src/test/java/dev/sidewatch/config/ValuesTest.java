package dev.sidewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            500ms, PT0.5S
            10s,   PT10S
            5m,    PT5M
            1h,    PT1H
            10,    PT10S
            0s,    PT0S
            """)
    void parseDuration_readsUnitsAndBareSeconds(String text, Duration expected) {
        assertThat(Values.parseDuration(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "ten", "10 seconds", "1.5s", "-5s", "1d", "1h30m", "10S", "9999999999999999999h"})
    void parseDuration_rejectsOtherForms(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Values.parseDuration(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            8388608, 8388608
            8KiB,    8192
            8MiB,    8388608
            256MiB,  268435456
            2GiB,    2147483648
            8 MiB,   8388608
            """)
    void parseSize_readsBytesAndBinaryUnits(String text, long expected) {
        assertThat(Values.parseSize(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "8MB", "8mb", "8 M", "1.5GiB", "-1", "lots", "9999999999GiB", "99999999999999999999"})
    void parseSize_rejectsOtherForms(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Values.parseSize(text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[", "(a", "a{2,1}", "*"})
    void regexProblem_explainsInvalidPatterns(String regex) {
        assertThat(Values.regexProblem(regex)).startsWith("invalid regular expression: ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://collector:4318", "https://otlp.example.com", "HTTP://10.0.0.1:4317/base"})
    void httpUrlProblem_acceptsHttpUrls(String url) {
        assertThat(Values.httpUrlProblem(url)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"collector:4318", "grpc://collector:4317", "http://", "/v1/logs", "http://bad host"})
    void httpUrlProblem_rejectsEverythingElse(String url) {
        assertThat(Values.httpUrlProblem(url)).startsWith("expected an http:// or https:// URL");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a=1,b=2            | {"a":"1","b":"2"}
            k = v%2Cw , x=y=z  | {"k":"v,w","x":"y=z"}
            {a: "1,2"}         | {"a":"1,2"}
            """)
    void envMap_readsPairsOrFlowStyle(String text, String json) {
        assertThat(Values.envMap(text)).hasToString(json);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"s3cr3t-without-equals", "=s3cr3t", "a=1,s3cr3t"})
    void envMap_rejectsEntriesWithoutAKeyAndNeverEchoesThem(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Values.envMap(text))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    }
}
