package dev.shiftlens.platform;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A position in a list ordered by a time and then a text key, as clients see it: an opaque base64url
 * string with {@code 1:<time in epoch microseconds>:<key>} inside (PostgreSQL keeps microseconds, so a
 * list resumes exactly after the position). The lists that use it wrap it in a record of their own.
 */
public record KeysetCursor(long micros, String key) {
  private static final String VERSION = "1";

  public static KeysetCursor of(Instant time, String key) {
    return new KeysetCursor(Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1000), key);
  }

  public OffsetDateTime time() {
    return OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  public String encode() {
    String plain = VERSION + ":" + micros + ":" + key;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position {@code text} encodes, with its time in {@code [minMicros, maxMicros)}; {@code bad} for
   * anything else (not base64url, another version, no key, a key with NUL, a time out of range).
   */
  public static KeysetCursor decode(String text, long minMicros, long maxMicros, ApiException bad) {
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad;
    }
    String[] parts = plain.split(":", 3);
    if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[2].isEmpty() || parts[2].indexOf('\u0000') >= 0) throw bad;
    long micros;
    try {
      micros = Long.parseLong(parts[1]);
    } catch (NumberFormatException e) {
      throw bad;
    }
    if (micros < minMicros || micros >= maxMicros) throw bad;
    return new KeysetCursor(micros, parts[2]);
  }
}
