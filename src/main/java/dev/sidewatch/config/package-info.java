/**
 * The sidewatch configuration: immutable records mirroring the YAML (SPEC section 7), and
 * {@link dev.sidewatch.config.ConfigLoader}, which reads the YAML file, applies
 * {@code SIDEWATCH_*} environment overrides and {@code _FILE} secrets, and validates everything
 * at once, reporting every problem as a {@link dev.sidewatch.config.ConfigError}.
 *
 * <p>Each record owns its defaults as {@code DEFAULT_*} constants and a {@code DEFAULT} instance;
 * {@link dev.sidewatch.config.Config#DEFAULT} is the configuration used when no file is given.
 */
package dev.sidewatch.config;
