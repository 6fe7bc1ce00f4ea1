package dev.shiftlens.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** JSON Schema fragments for the tools' inputs and outputs. */
final class Schemas {
  private Schemas() {}

  static JsonObject object(JsonObject properties, String... required) {
    JsonObject schema = new JsonObject().put("type", "object").put("properties", properties);
    if (required.length > 0) schema.put("required", new JsonArray(java.util.List.of((Object[]) required)));
    return schema;
  }

  /** An input object: no members beyond those listed. */
  static JsonObject input(JsonObject properties, String... required) {
    return object(properties, required).put("additionalProperties", false);
  }

  static JsonObject string(String description) {
    return new JsonObject().put("type", "string").put("description", description);
  }

  static JsonObject enumOf(String description, String... values) {
    return string(description).put("enum", new JsonArray(java.util.List.of((Object[]) values)));
  }

  static JsonObject integer(String description, int min, int max) {
    return new JsonObject().put("type", "integer").put("minimum", min).put("maximum", max).put("description", description);
  }

  static JsonObject type(String type) {
    return new JsonObject().put("type", type);
  }

  static JsonObject nullable(String type) {
    return new JsonObject().put("type", new JsonArray().add(type).add("null"));
  }

  static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  static final JsonObject EFFECT = object(new JsonObject()
      .put("event_name", type("string"))
      .put("observed", type("number"))
      .put("expected", type("number"))
      .put("rate_ratio", nullable("number"))
      .put("ci_low", nullable("number"))
      .put("ci_high", nullable("number"))
      .put("p_value", nullable("number"))
      .put("prob_increase", nullable("number"))
      .put("verdict", new JsonObject().put("enum", new JsonArray().add("up").add("down").add("none"))),
      "event_name", "observed", "expected", "verdict");

  static final JsonObject SEND = object(new JsonObject()
      .put("send_id", type("string"))
      .put("contact_id", type("string"))
      .put("message_id", type("string"))
      .put("channel", type("string"))
      .put("labels", type("object"))
      .put("holdout", type("boolean"))
      .put("sent_at", type("string"))
      .put("window_hours", type("number"))
      .put("window_end", type("string"))
      .put("status", new JsonObject().put("enum", new JsonArray().add("pending").add("evaluated").add("insufficient_history")))
      .put("evaluated_at", nullable("string"))
      .put("overlaps_send_id", nullable("string"))
      .put("effects", array(EFFECT)),
      "send_id", "contact_id", "message_id", "channel", "sent_at", "status", "effects");
}
