package dev.shiftlens.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads times as the API accepts them: RFC 3339 / ISO-8601 with {@code Z} or an offset; ISO date-times
 * without an offset, which are UTC; and epoch seconds as numbers or digit strings (above 1e11, epoch
 * milliseconds). The common shapes are parsed by hand because ingestion reads one per event.
 */
public final class Times {
  private static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;

  private Times() {}

  /** Epoch milliseconds of a JSON number. */
  public static long fromNumber(Number n) {
    if (n instanceof Long || n instanceof Integer || n instanceof java.math.BigInteger) {
      if (n instanceof java.math.BigInteger big && big.bitLength() > 63) {
        throw new IllegalArgumentException("not a time: " + abbreviate(n.toString()) + " is beyond any epoch seconds or milliseconds");
      }
      long v = n.longValue();
      return Math.abs(v) > EPOCH_MILLIS_THRESHOLD ? v : Math.multiplyExact(v, 1000L);
    }
    double v = n.doubleValue();
    if (!Double.isFinite(v)) throw new IllegalArgumentException("not a finite number");
    return Math.abs(v) > EPOCH_MILLIS_THRESHOLD ? Math.round(v) : Math.round(v * 1000.0);
  }

  /** Epoch milliseconds of a text time; throws {@link IllegalArgumentException} with a readable reason. */
  public static long fromText(String s) {
    String t = s.strip();
    if (t.isEmpty()) throw new IllegalArgumentException("empty time");
    if (isNumeric(t)) return fromNumber(t.indexOf('.') >= 0 ? (Number) Double.parseDouble(t) : (Number) Long.parseLong(t));
    long fast = parseIsoFast(t);
    if (fast != Long.MIN_VALUE) return fast;
    try {
      return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // fall through to the forms without an offset
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T'), DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException ignored) {
      // fall through
    }
    try {
      return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an RFC 3339 time or epoch seconds: '" + abbreviate(t) + "'");
    }
  }

  public static String format(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  private static boolean isNumeric(String t) {
    int i = t.charAt(0) == '-' ? 1 : 0;
    if (i == t.length()) return false;
    boolean dot = false;
    for (; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '.' && !dot) dot = true;
      else if (c < '0' || c > '9') return false;
    }
    return true;
  }

  /**
   * {@code YYYY-MM-DD[T ]hh:mm:ss[.fraction][Z|±hh:mm|±hhmm|±hh]}; {@code Long.MIN_VALUE} when the text
   * has another shape (the slow path then decides), an exception when it has this shape but impossible values.
   */
  static long parseIsoFast(String t) {
    int n = t.length();
    if (n < 19 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(13) != ':' || t.charAt(16) != ':') return Long.MIN_VALUE;
    char sep = t.charAt(10);
    if (sep != 'T' && sep != ' ' && sep != 't') return Long.MIN_VALUE;
    int year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
    int hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) return Long.MIN_VALUE;
    int i = 19;
    int millis = 0;
    if (i < n && t.charAt(i) == '.') {
      int start = ++i;
      while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
        if (i - start < 3) millis = millis * 10 + (t.charAt(i) - '0');
        i++;
      }
      if (i == start) return Long.MIN_VALUE;
      for (int k = i - start; k < 3; k++) millis *= 10;
    }
    int offsetSeconds = 0;
    if (i < n) {
      char z = t.charAt(i);
      if ((z == 'Z' || z == 'z') && i + 1 == n) {
        i++;
      } else if (z == '+' || z == '-') {
        int oh, om = 0;
        String rest = t.substring(i + 1);
        if (rest.length() == 2) {
          oh = digits(rest, 0, 2);
        } else if (rest.length() == 5 && rest.charAt(2) == ':') {
          oh = digits(rest, 0, 2);
          om = digits(rest, 3, 2);
        } else if (rest.length() == 4) {
          oh = digits(rest, 0, 2);
          om = digits(rest, 2, 2);
        } else {
          return Long.MIN_VALUE;
        }
        if (oh < 0 || om < 0 || oh > 18 || om > 59) throw new IllegalArgumentException("impossible UTC offset in '" + abbreviate(t) + "'");
        offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        i = n;
      } else {
        return Long.MIN_VALUE;
      }
    }
    if (i != n) return Long.MIN_VALUE;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
      throw new IllegalArgumentException("impossible date or time in '" + abbreviate(t) + "'");
    }
    long days = daysFromCivil(year, month, day);
    long seconds = days * 86400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1000L + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
