package dev.shiftlens.eventtype;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Reads the body of {@code PUT /v1/event-types/{event_name}} into an {@link EventType}; every failure
 * is a 400 that names the field. Pure: runs on whichever thread calls it.
 */
final class EventTypeRequest {
  static final int MAX_NAME_CHARS = 256;

  private EventTypeRequest() {}

  static EventType parse(String eventName, Buffer body) {
    String name = eventName(eventName);
    JsonObject json = object(body);
    for (Map.Entry<String, Object> member : json) {
      switch (member.getKey()) {
        case "category", "reward", "updated_at" -> { } // updated_at: a listed item may be sent back as it is
        case "event_name" -> {
          if (!name.equals(member.getValue())) {
            throw ApiException.badField("event_name", "in the body must be the event name of the path, '" + name + "', or be left out");
          }
        }
        default -> throw ApiException.badField(member.getKey(), "is not a member of an event type; send 'category' and 'reward'");
      }
    }
    String category = category(json.getValue("category"));
    double reward = reward(category, json.getValue("reward"));
    return new EventType(name, category, reward);
  }

  static String eventName(String name) {
    if (name == null || name.isEmpty()) throw ApiException.badField("event_name", "must not be empty");
    if (name.length() > MAX_NAME_CHARS && name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw ApiException.badField("event_name", "must be at most " + MAX_NAME_CHARS + " characters");
    }
    if (name.indexOf('\u0000') >= 0) throw ApiException.badField("event_name", "must not contain the NUL character");
    return name;
  }

  private static JsonObject object(Buffer body) {
    if (body == null || body.length() == 0) throw ApiException.badRequest("the body must be a JSON object with 'category' and optionally 'reward'");
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
    }
    if (!(value instanceof JsonObject json)) throw ApiException.badRequest("the body must be a JSON object with 'category' and optionally 'reward'");
    return json;
  }

  private static String category(Object value) {
    if (value == null) throw ApiException.badField("category", "is required: one of " + String.join(", ", EventType.CATEGORIES));
    if (!(value instanceof String s) || !EventType.CATEGORIES.contains(s)) {
      throw ApiException.badField("category", "must be one of " + String.join(", ", EventType.CATEGORIES) + ", got " + Json.encode(value));
    }
    return s;
  }

  private static double reward(String category, Object value) {
    if (value == null) return EventType.defaultReward(category);
    if (!(value instanceof Number n)) throw ApiException.badField("reward", "must be a number, got " + Json.encode(value));
    double reward = n.doubleValue();
    if (!Double.isFinite(reward)) throw ApiException.badField("reward", "must be a finite number");
    if (EventType.NEGATIVE.equals(category) && reward > 0) {
      throw ApiException.badField("reward", "of a negative event must be zero or less, got " + reward);
    }
    return reward;
  }
}
