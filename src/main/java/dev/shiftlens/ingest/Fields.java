package dev.shiftlens.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.ZoneId;
import java.util.Set;

/** Reads and checks one field of a {@link RawRow}; every failure names the field. */
final class Fields {
  static final long MIN_TIME = 946_684_800_000L; // 2000-01-01T00:00:00Z
  static final long MAX_FUTURE = 24L * 3600 * 1000;
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

  private Fields() {}

  /** A required identifier: a non-empty string of at most {@code max} characters (integers are taken as their digits). */
  static String requiredId(RawRow row, String field, int max) throws RowException {
    Object v = row.get(field);
    if (v == null) throw new RowException(field, "is required");
    return id(field, v, max);
  }

  static String optionalId(RawRow row, String field, int max) throws RowException {
    Object v = row.get(field);
    if (v == null) return null;
    String s = id(field, v, max);
    return s;
  }

  private static String id(String field, Object v, int max) throws RowException {
    String s;
    if (v instanceof String str) {
      s = str;
    } else if (v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger) {
      s = v.toString();
    } else {
      throw new RowException(field, "must be a string");
    }
    if (s.isEmpty()) throw new RowException(field, "must not be empty");
    return text(field, s, max);
  }

  /**
   * A text of at most {@code max} characters (code points) without NUL, which PostgreSQL cannot store:
   * such a value rejects its row instead of failing the chunk it travels in.
   */
  static String text(String field, String s, int max) throws RowException {
    if (s.length() > max) {
      int characters = s.codePointCount(0, s.length());
      if (characters > max) throw new RowException(field, "must be at most " + max + " characters, got " + characters);
    }
    if (s.indexOf('\u0000') >= 0) throw new RowException(field, "must not contain the NUL character");
    return s;
  }

  static String optionalText(RawRow row, String field, int max) throws RowException {
    Object v = row.get(field);
    if (v == null) return null;
    if (!(v instanceof String s)) throw new RowException(field, "must be a string");
    return text(field, s, max);
  }

  /** Epoch millis of a required time, between 2000-01-01 and 24 hours after {@code now}. */
  static long time(RawRow row, String field, long now) throws RowException {
    Object v = row.get(field);
    if (v == null) throw new RowException(field, "is required");
    long t;
    try {
      if (v instanceof Number n) t = Times.fromNumber(n);
      else if (v instanceof String s) t = Times.fromText(s);
      else throw new RowException(field, "must be an RFC 3339 time or epoch seconds");
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new RowException(field, e.getMessage());
    }
    if (t < MIN_TIME) throw new RowException(field, "is before 2000-01-01: " + Times.format(t));
    if (t > now + MAX_FUTURE) throw new RowException(field, "is more than 24 hours in the future: " + Times.format(t));
    return t;
  }

  static String timezone(RawRow row, String field) throws RowException {
    Object v = row.get(field);
    if (v == null) return null;
    if (!(v instanceof String s) || !ZONES.contains(s)) {
      throw new RowException(field, "is not a known IANA time zone: " + v);
    }
    return s;
  }

  /** A JSON object as compact text (CSV cells and JSON strings holding an object are parsed). */
  static String jsonObject(RawRow row, String field) throws RowException {
    Object v = row.get(field);
    if (v == null) return null;
    if (v instanceof RawRow.Json j) {
      if (!j.isObject()) throw new RowException(field, "must be a JSON object");
      return j.text();
    }
    if (v instanceof String s) {
      try (JsonParser p = RowReader.JSON.createParser(s)) {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new RowException(field, "must be a JSON object");
        String text = RowReader.copyStructure(p, field);
        if (p.nextToken() != null) throw new RowException(field, "has data after the JSON object");
        return text;
      } catch (JsonProcessingException e) {
        throw new RowException(field, "is not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new RowException(field, "cannot be read: " + e.getMessage());
      }
    }
    throw new RowException(field, "must be a JSON object");
  }

  static boolean bool(RawRow row, String field, boolean fallback) throws RowException {
    Object v = row.get(field);
    if (v == null) return fallback;
    if (v instanceof Boolean b) return b;
    if (v instanceof String s) {
      switch (s.strip().toLowerCase()) {
        case "true", "1", "yes" -> { return true; }
        case "false", "0", "no" -> { return false; }
        default -> { }
      }
    }
    throw new RowException(field, "must be true or false");
  }

  /** A finite number, or null when absent; CSV text is parsed. */
  static Double number(RawRow row, String field) throws RowException {
    Object v = row.get(field);
    if (v == null) return null;
    double d;
    if (v instanceof Number n) {
      d = n.doubleValue();
    } else if (v instanceof String s) {
      try {
        d = Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        throw new RowException(field, "must be a number, got '" + Times.abbreviate(s) + "'");
      }
    } else {
      throw new RowException(field, "must be a number");
    }
    if (Double.isNaN(d)) throw new RowException(field, "must be a number, got " + Times.abbreviate(v.toString()));
    if (Double.isInfinite(d)) throw new RowException(field, "is out of range: " + Times.abbreviate(v.toString()));
    return d;
  }
}
