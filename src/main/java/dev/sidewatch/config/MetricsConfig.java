package dev.sidewatch.config;

/**
 * {@code metrics}.
 *
 * @param maxSeries label sets kept per metric before the rest fold into {@code _other}; default 2000
 */
public record MetricsConfig(int maxSeries) {

    /** 2000. */
    public static final int DEFAULT_MAX_SERIES = 2000;
    /** All defaults. */
    public static final MetricsConfig DEFAULT = new MetricsConfig(DEFAULT_MAX_SERIES);
}
