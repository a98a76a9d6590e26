package dev.sidewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1:4318   | 127.0.0.1   | 4318
            0.0.0.0:9464     | 0.0.0.0     | 9464
            localhost:0      | localhost   | 0
            [::1]:4318       | ::1         | 4318
            [::]:65535       | ::          | 65535
            sidecar.svc:5170 | sidecar.svc | 5170
            """)
    void parse_readsHostAndPort(String text, String host, int port) {
        HostPort parsed = HostPort.parse(text);

        assertThat(parsed).isEqualTo(new HostPort(host, port));
        assertThat(parsed).as("toString reads back").hasToString(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "127.0.0.1:", ":4318", "::1:4318", "[::1]", "host:65536", "host:-1",
        "host:http", "http://host:4318", "ho st:1", "[]:80", "host:123456"})
    void parse_rejectsMalformedAddresses(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostPort.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {-1, 65536})
    void constructor_rejectsPortsOutOfRange(int port) {
        assertThatIllegalArgumentException().isThrownBy(() -> new HostPort("localhost", port));
    }
}
