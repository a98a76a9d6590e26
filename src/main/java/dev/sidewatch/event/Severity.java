package dev.sidewatch.event;

/** The seven severities of the normalised event with their default OpenTelemetry SeverityNumber. */
public enum Severity {
    TRACE(1), DEBUG(5), INFO(9), NOTICE(10), WARN(13), ERROR(17), FATAL(21);

    private final int number;

    Severity(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The severity whose OpenTelemetry range contains {@code number} (18 and 19 are ERROR, 22 is FATAL). */
    public static Severity ofNumber(int number) {
        if (number >= 21) return FATAL;
        if (number >= 17) return ERROR;
        if (number >= 13) return WARN;
        if (number >= 10) return number == 10 ? NOTICE : INFO;
        if (number >= 9) return INFO;
        if (number >= 5) return DEBUG;
        return TRACE;
    }
}
