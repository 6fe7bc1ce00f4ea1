package dev.shiftlens.platform;

import dev.shiftlens.ingest.Times;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.regex.Pattern;

/** Reading query parameters the same way on every read: one value each, and times in any format of the API. */
public final class QueryParams {
  /**
   * A {@code +} of a UTC offset that arrived unescaped in a query string reads as a space: put it back
   * ("2026-11-28T10:00:00 02:00" is "2026-11-28T10:00:00+02:00").
   */
  private static final Pattern SPACE_FOR_PLUS = Pattern.compile("(.{19,}) (\\d{2}(:?\\d{2})?)$");

  private QueryParams() {}

  /** The parameter's one value; null when absent or empty; a 400 naming it when given twice or holding NUL. */
  public static String single(MultiMap params, String name) {
    List<String> values = params.getAll(name);
    if (values.isEmpty()) return null;
    if (values.size() > 1) throw ApiException.badField(name, "is given more than once");
    String v = values.get(0);
    if (v.isEmpty()) return null;
    if (v.indexOf('\u0000') >= 0) throw ApiException.badField(name, "must not contain the NUL character");
    return v;
  }

  /** {@code value} of parameter {@code name} as epoch milliseconds; a 400 naming it when it is not a time. */
  public static long timeMillis(String name, String value) {
    try {
      return Times.fromText(SPACE_FOR_PLUS.matcher(value.strip()).replaceFirst("$1+$2"));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw ApiException.badField(name, "must be an RFC 3339 time or epoch seconds: " + e.getMessage());
    }
  }
}
