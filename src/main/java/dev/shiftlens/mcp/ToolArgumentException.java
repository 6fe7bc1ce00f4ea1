package dev.shiftlens.mcp;

/** A tool's argument is missing or wrong; its message names the argument and says what is expected. */
final class ToolArgumentException extends RuntimeException {
  ToolArgumentException(String message) {
    super(message, null, false, false);
  }
}
