package dev.shiftlens.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tool call's {@code arguments}, read with messages that name the argument; an argument the tool
 * does not take is refused, so that a misspelt one is not silently ignored.
 */
final class Arguments {
  private final JsonObject values;

  private Arguments(JsonObject values) {
    this.values = values;
  }

  static Arguments of(Object arguments, Set<String> allowed) {
    if (arguments == null) return new Arguments(new JsonObject());
    if (!(arguments instanceof JsonObject object)) throw new ToolArgumentException("arguments must be a JSON object");
    for (String name : object.fieldNames()) {
      if (!allowed.contains(name)) {
        throw new ToolArgumentException("unknown argument '" + name + "'; this tool takes "
            + (allowed.isEmpty() ? "no arguments" : String.join(", ", new TreeSet<>(allowed))));
      }
    }
    return new Arguments(object);
  }

  String requiredString(String name) {
    String value = optionalString(name);
    if (value == null) throw new ToolArgumentException(name + " is required: a non-empty string");
    return value;
  }

  String optionalString(String name) {
    Object value = values.getValue(name);
    if (value == null) return null;
    if (!(value instanceof String s)) throw new ToolArgumentException(name + " must be a string, not " + describe(value));
    if (s.isEmpty()) throw new ToolArgumentException(name + " must not be empty");
    return s;
  }

  Integer optionalInt(String name, int min, int max) {
    Object value = values.getValue(name);
    if (value == null) return null;
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ToolArgumentException(name + " must be an integer from " + min + " to " + max + ", not " + describe(value));
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw new ToolArgumentException(name + " must be from " + min + " to " + max + ", not " + n);
    }
    return n.intValue();
  }

  Double optionalNumber(String name) {
    Object value = values.getValue(name);
    if (value == null) return null;
    if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new ToolArgumentException(name + " must be a finite number, not " + describe(value));
    }
    return n.doubleValue();
  }

  JsonArray optionalArray(String name) {
    Object value = values.getValue(name);
    if (value == null) return null;
    if (!(value instanceof JsonArray a)) throw new ToolArgumentException(name + " must be an array, not " + describe(value));
    return a;
  }

  private static String describe(Object value) {
    String text = value instanceof JsonObject ? "an object" : value instanceof JsonArray ? "an array" : "'" + value + "'";
    return text.length() > 60 ? text.substring(0, 57) + "...'" : text;
  }
}
