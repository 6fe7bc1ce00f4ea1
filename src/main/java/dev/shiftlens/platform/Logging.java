package dev.shiftlens.platform;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One-line log records on standard error: time, level, logger, message. */
public final class Logging {
  private Logging() {}

  public static void configure() {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) root.removeHandler(h);
    ConsoleHandler handler = new ConsoleHandler();
    handler.setFormatter(new Formatter() {
      @Override
      public String format(LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
        StringBuilder sb = new StringBuilder()
            .append(java.time.Instant.ofEpochMilli(r.getMillis())).append(' ')
            .append(r.getLevel()).append(' ').append(name).append(": ").append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) sb.append("  ").append(r.getThrown()).append('\n');
        return sb.toString();
      }
    });
    root.addHandler(handler);
    root.setLevel(Level.INFO);
    // SHIFTLENS_LOG_LEVEL=FINE shows Shiftlens's own details (such as each evaluation batch's timings).
    Level level = level(System.getenv("SHIFTLENS_LOG_LEVEL"));
    handler.setLevel(Level.ALL);
    Logger.getLogger("dev.shiftlens").setLevel(level);
    Logger.getLogger("ru.yandex").setLevel(Level.SEVERE); // the legacy driver warns about itself on every start
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
  }

  private static Level level(String name) {
    try {
      return name == null || name.isBlank() ? Level.INFO : Level.parse(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("shiftlens: SHIFTLENS_LOG_LEVEL '" + name + "' is not a level (SEVERE, WARNING, INFO, FINE); using INFO");
      return Level.INFO;
    }
  }
}
