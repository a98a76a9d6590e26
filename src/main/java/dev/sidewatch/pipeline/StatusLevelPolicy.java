package dev.sidewatch.pipeline;

/** How an HTTP status affects severity (config {@code levels.from_status}, SPEC 4.2). */
public enum StatusLevelPolicy {
    /** The more severe of the record's own level and the status level (default). */
    MAX,
    /** The status level replaces the record's own level. */
    OVERRIDE,
    /** The status is ignored for severity. */
    OFF;

    /** getLogLevel(statusCode): >=500 ERROR, >=400 WARN, >=300 NOTICE, else INFO. */
    public static int statusSeverityNumber(int status) {
        if (status >= 500) return 17;
        if (status >= 400) return 13;
        if (status >= 300) return 10;
        return 9;
    }

    int apply(int ownLevel, Integer status) {
        if (status == null || this == OFF) return ownLevel;
        int fromStatus = statusSeverityNumber(status);
        return this == OVERRIDE ? fromStatus : Math.max(ownLevel, fromStatus);
    }
}
