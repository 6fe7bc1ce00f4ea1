package dev.shiftlens.audience;

import dev.shiftlens.ingest.Times;
import dev.shiftlens.platform.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /v1/audiences/query}, checked: every part that is wrong is a 400 naming it
 * ({@code properties[1].op}, {@code behavior[0].max_count}, ...). Pure; runs on any thread.
 *
 * <p>Property operators and the values they take:
 * <ul>
 *   <li>{@code eq}, {@code neq}: a string, number or boolean. Numbers compare by value with numbers and
 *       with strings that hold a number (5 equals 5.0 and "5"); strings and booleans compare exactly.
 *       {@code neq} is the complement of {@code eq}: it takes in contacts without the property.
 *   <li>{@code in}: a non-empty array of such values; a contact passes when {@code eq} would for one.
 *   <li>{@code exists}: no value (or {@code true}): the property is set; {@code false}: it is not.
 *   <li>{@code gt}, {@code gte}, {@code lt}, {@code lte}: a number (compared as above), or an ISO-8601
 *       time string, compared with properties that are time strings (without an offset: UTC).
 *   <li>{@code contains}: a non-empty string found, ignoring case, in a string property.
 * </ul>
 */
record AudienceRequest(
    List<PropertyFilter> properties,
    List<BehaviorFilter> behavior,
    List<ShiftFilter> shifts,
    int limit,
    AudienceCursor after) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  /** Filters per part: enough for any audience a person writes, few enough to bound a query's work. */
  static final int MAX_FILTERS = 50;
  static final int MAX_MEMBERS = 1_000;
  static final int MAX_DAYS = 3_650;
  static final int MAX_NAME = 256;
  static final long MAX_COUNT = Integer.MAX_VALUE;
  private static final int MAX_TEXT = 4096;
  private static final Set<String> TOP = Set.of("properties", "behavior", "shifts", "limit", "cursor");
  private static final Set<String> PROPERTY_FIELDS = Set.of("key", "op", "value");
  private static final Set<String> BEHAVIOR_FIELDS = Set.of("event_name", "min_count", "max_count", "within_days");
  private static final Set<String> SHIFT_FIELDS = Set.of("event_name", "verdict", "within_days");
  private static final Pattern DECIMAL = Pattern.compile("\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d{1,4})?\\s*");
  private static final Pattern DATE_FIRST = Pattern.compile("\\s*\\d{4}-\\d{2}-\\d{2}.*");

  /** An empty body is the empty query: every contact. */
  private static final long FIRST_YEAR_1 = -62_135_596_800_000L; // 0001-01-01T00:00:00Z
  private static final long FIRST_YEAR_10000 = 253_402_300_800_000L; // 10000-01-01T00:00:00Z

  static AudienceRequest parse(Buffer body) {
    JsonObject json;
    if (body == null || body.toString().isBlank()) {
      json = new JsonObject();
    } else {
      Object parsed;
      try {
        parsed = io.vertx.core.json.Json.decodeValue(body);
      } catch (DecodeException e) {
        throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
      }
      if (!(parsed instanceof JsonObject o)) throw ApiException.badRequest("the body must be a JSON object");
      json = o;
    }
    onlyKnown(json, TOP, "");
    List<PropertyFilter> properties = new ArrayList<>();
    JsonArray list = array(json, "properties");
    for (int i = 0; i < list.size(); i++) properties.add(property(object(list.getValue(i), "properties[" + i + "]"), "properties[" + i + "]"));
    List<BehaviorFilter> behavior = new ArrayList<>();
    list = array(json, "behavior");
    for (int i = 0; i < list.size(); i++) behavior.add(behavior(object(list.getValue(i), "behavior[" + i + "]"), "behavior[" + i + "]"));
    List<ShiftFilter> shifts = new ArrayList<>();
    list = array(json, "shifts");
    for (int i = 0; i < list.size(); i++) shifts.add(shift(object(list.getValue(i), "shifts[" + i + "]"), "shifts[" + i + "]"));
    Object limitValue = json.getValue("limit");
    int limit = limitValue == null ? DEFAULT_LIMIT : (int) whole(limitValue, "limit", 1, MAX_LIMIT);
    Object cursor = json.getValue("cursor");
    AudienceCursor after = null;
    if (cursor != null) {
      if (!(cursor instanceof String s)) throw ApiException.badField("cursor", "must be the next_cursor string of the previous page");
      after = AudienceCursor.decode(s);
    }
    return new AudienceRequest(List.copyOf(properties), List.copyOf(behavior), List.copyOf(shifts), limit, after);
  }

  private static PropertyFilter property(JsonObject f, String at) {
    onlyKnown(f, PROPERTY_FIELDS, at + ".");
    String key = name(f.getValue("key"), at + ".key");
    Object opValue = f.getValue("op");
    if (opValue == null) throw bad(at + ".op", "is missing; one of " + operators());
    if (!(opValue instanceof String opName)) throw bad(at + ".op", "must be a string, one of " + operators());
    PropertyFilter.Op op = PropertyFilter.Op.of(opName);
    if (op == null) throw bad(at + ".op", "unknown operator '" + abbreviate(opName) + "'; one of " + operators());
    Object v = f.getValue("value");
    String field = at + ".value";
    PropertyFilter.Value value = switch (op) {
      case EQ, NEQ -> {
        if (v == null) throw bad(field, "is needed by " + op.name + ": a string, number or boolean"
            + " (to find contacts without the property, use exists with the value false)");
        yield scalar(v, field, op);
      }
      case IN -> {
        if (!(v instanceof JsonArray members) || members.isEmpty() || members.size() > MAX_MEMBERS) {
          throw bad(field, "must be an array of 1 to " + MAX_MEMBERS + " strings, numbers or booleans for in");
        }
        List<String> json = new ArrayList<>();
        List<String> decimals = new ArrayList<>();
        for (int j = 0; j < members.size(); j++) {
          PropertyFilter.Value member = scalar(members.getValue(j), field + "[" + j + "]", op);
          if (member instanceof PropertyFilter.Number n) decimals.add(n.decimal());
          else json.add(((PropertyFilter.Json) member).json());
        }
        yield new PropertyFilter.Members(List.copyOf(json), List.copyOf(decimals));
      }
      case EXISTS -> {
        if (v == null) yield new PropertyFilter.Presence(true);
        if (!(v instanceof Boolean b)) throw bad(field, "must be absent, true or false for exists");
        yield new PropertyFilter.Presence(b);
      }
      case GT, GTE, LT, LTE -> {
        if (v instanceof java.lang.Number n) yield new PropertyFilter.Number(decimal(n, field));
        if (v instanceof String s && DECIMAL.matcher(s).matches()) yield new PropertyFilter.Number(decimal(s.strip(), field));
        if (v instanceof String s && DATE_FIRST.matcher(s).matches()) {
          long millis;
          try {
            millis = Times.fromText(s.strip());
          } catch (IllegalArgumentException | ArithmeticException e) {
            throw bad(field, "is not a time: " + e.getMessage());
          }
          // PostgreSQL reads years 1 to 9999 in this form; year 0 and five-digit years are no dates it can compare.
          if (millis < FIRST_YEAR_1 || millis >= FIRST_YEAR_10000) throw bad(field, "is a time outside the years 1 to 9999");
          yield new PropertyFilter.Time(Instant.ofEpochMilli(millis).toString());
        }
        throw bad(field, "must be a number or an ISO-8601 time string for " + op.name);
      }
      case CONTAINS -> {
        if (!(v instanceof String s) || s.isEmpty()) throw bad(field, "must be a non-empty string for contains");
        yield new PropertyFilter.Text(text(s, field));
      }
    };
    return new PropertyFilter(key, op, value);
  }

  private static PropertyFilter.Value scalar(Object v, String field, PropertyFilter.Op op) {
    if (v instanceof String s) return new PropertyFilter.Json(io.vertx.core.json.Json.encode(text(s, field)));
    if (v instanceof Boolean b) return new PropertyFilter.Json(b.toString());
    if (v instanceof java.lang.Number n) return new PropertyFilter.Number(decimal(n, field));
    throw bad(field, "must be a string, number or boolean for " + op.name);
  }

  private static BehaviorFilter behavior(JsonObject f, String at) {
    onlyKnown(f, BEHAVIOR_FIELDS, at + ".");
    String name = name(f.getValue("event_name"), at + ".event_name");
    Object min = f.getValue("min_count");
    Object max = f.getValue("max_count");
    Long maxCount = max == null ? null : whole(max, at + ".max_count", 0, MAX_COUNT);
    // "at most N" alone takes in zero; with neither bound the filter means "did it at least once".
    long minCount = min != null ? whole(min, at + ".min_count", 0, MAX_COUNT) : maxCount != null ? 0 : 1;
    if (maxCount != null && maxCount < minCount) {
      throw bad(at + ".max_count", "must not be below min_count (" + minCount + "), got " + maxCount);
    }
    return new BehaviorFilter(name, minCount, maxCount, days(f.getValue("within_days"), at + ".within_days"));
  }

  private static ShiftFilter shift(JsonObject f, String at) {
    onlyKnown(f, SHIFT_FIELDS, at + ".");
    String name = name(f.getValue("event_name"), at + ".event_name");
    Object verdict = f.getValue("verdict");
    if (!"up".equals(verdict) && !"down".equals(verdict)) {
      throw bad(at + ".verdict", verdict == null ? "is missing; up or down" : "must be up or down, got " + abbreviate(String.valueOf(verdict)));
    }
    return new ShiftFilter(name, (String) verdict, days(f.getValue("within_days"), at + ".within_days"));
  }

  private static Integer days(Object v, String field) {
    return v == null ? null : (int) whole(v, field, 1, MAX_DAYS);
  }

  private static long whole(Object v, String field, long min, long max) {
    long n;
    if (v instanceof Integer || v instanceof Long) {
      n = ((java.lang.Number) v).longValue();
    } else if (v instanceof java.lang.Number d && Math.rint(d.doubleValue()) == d.doubleValue() && Math.abs(d.doubleValue()) < 9e15) {
      n = (long) d.doubleValue();
    } else {
      throw bad(field, "must be a whole number" + range(min, max) + ", got " + abbreviate(String.valueOf(v)));
    }
    if (n < min || n > max) throw bad(field, "must be" + range(min, max) + ", got " + n);
    return n;
  }

  private static String range(long min, long max) {
    return " from " + min + " to " + max;
  }

  private static String name(Object v, String field) {
    if (v == null) throw bad(field, "is missing");
    if (!(v instanceof String s) || s.isEmpty() || s.codePointCount(0, s.length()) > MAX_NAME || s.chars().anyMatch(Character::isISOControl)) {
      throw bad(field, "must be a string of 1 to " + MAX_NAME + " printable characters");
    }
    return s;
  }

  private static String text(String s, String field) {
    if (s.length() > MAX_TEXT || s.indexOf('\u0000') >= 0) throw bad(field, "must be at most " + MAX_TEXT + " characters, without NUL");
    return s;
  }

  private static String decimal(Object n, String field) {
    try {
      BigDecimal d = n instanceof Double || n instanceof Float ? BigDecimal.valueOf(((java.lang.Number) n).doubleValue()) : new BigDecimal(n.toString());
      return d.toString();
    } catch (NumberFormatException e) {
      throw bad(field, "is not a finite number");
    }
  }

  private static JsonArray array(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) return new JsonArray();
    if (!(v instanceof JsonArray a)) throw bad(field, "must be an array of filters");
    if (a.size() > MAX_FILTERS) throw bad(field, "must hold at most " + MAX_FILTERS + " filters, got " + a.size());
    return a;
  }

  private static JsonObject object(Object v, String field) {
    if (!(v instanceof JsonObject o)) throw bad(field, "must be an object");
    return o;
  }

  private static void onlyKnown(JsonObject json, Set<String> known, String prefix) {
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        throw bad(prefix + abbreviate(name), "is not a field here; the fields are " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private static String operators() {
    return String.join(", ", java.util.Arrays.stream(PropertyFilter.Op.values()).map(o -> o.name).toList());
  }

  /** The conventions of the API: a 400 whose detail starts with the part, which is also its {@code field}. */
  private static ApiException bad(String field, String detail) {
    return new ApiException(400, "Bad Request", field + ": " + detail, new JsonObject().put("field", field));
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
