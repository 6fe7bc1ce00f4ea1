package dev.shiftlens.ingest;

import dev.shiftlens.contact.ContactUpsert;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates a contacts row: reach fields and time zone apart, every other key a scalar property. */
final class ContactRows {
  private static final Set<String> REACH = Set.of("push_token", "phone_number", "email_address", "timezone");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  private static final int MAX_KEY = 256;
  private static final int MAX_TEXT = 4096;

  private ContactRows() {}

  static ContactUpsert from(RawRow row) throws RowException {
    String id = Fields.requiredId(row, "contact_id", EventRow.MAX_ID);
    Object country = row.get("country");
    if (country == null) throw new RowException("country", "is required");
    if (!(country instanceof String c) || c.isBlank()) throw new RowException("country", "must be a non-empty string");
    Fields.text("country", c, EventRow.MAX_ID);
    JsonObject reach = new JsonObject();
    JsonObject properties = new JsonObject();
    for (int i = 0; i < row.size(); i++) {
      String key = row.name(i);
      Object value = row.value(i);
      if (key.equals("contact_id") || key.equals("country")) continue;
      if (REACH.contains(key)) {
        reach.put(key, key.equals("timezone") ? Fields.timezone(row, key) : Fields.optionalText(row, key, MAX_TEXT));
        continue;
      }
      if (key.isEmpty() || key.codePointCount(0, key.length()) > MAX_KEY || key.chars().anyMatch(Character::isISOControl)) {
        throw new RowException(key, "is not a usable property name (1-" + MAX_KEY + " printable characters)");
      }
      properties.put(key, property(key, value, row.textual()));
    }
    return new ContactUpsert(id, c, reach, properties);
  }

  private static Object property(String key, Object value, boolean textual) throws RowException {
    if (value instanceof Double d && d.isInfinite()) throw new RowException(key, "is out of range");
    if (value == null || value instanceof Boolean || value instanceof Number) return value;
    if (value instanceof String s) {
      Fields.text(key, s, MAX_TEXT);
      if (!textual) return s;
      // CSV has no types: read what plainly is a boolean or a number as one (but "007" stays text).
      if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
      if (NUMBER.matcher(s).matches()) {
        if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0 && s.length() < 19) return Long.parseLong(s);
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) throw new RowException(key, "is out of range: " + Times.abbreviate(s));
        return d;
      }
      return s;
    }
    throw new RowException(key, "a property must be a string, number, boolean or null");
  }
}
