package dev.shiftlens.platform;

/** A configuration value that cannot be used; the message names the variable. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String variable, String problem) {
    super(variable + " " + problem);
  }
}
