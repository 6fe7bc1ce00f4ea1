package dev.shiftlens.stream;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Which evaluated sends a client of the stream wants: those of {@code messageId} (null: every
 * message) with a verdict other than {@code none} in the effect of {@code eventName}, or, without an
 * event name, in any of their effects ({@code "*"} included).
 */
record ShiftFilter(String messageId, String eventName) {
  static final int MAX_LENGTH = 256;

  /** From the query parameters; an empty one is an absent one, a bad one a 400 naming it. */
  static ShiftFilter parse(MultiMap params) {
    return new ShiftFilter(param(params, "message_id"), param(params, "event_name"));
  }

  private static String param(MultiMap params, String name) {
    if (params.getAll(name).size() > 1) throw ApiException.badField(name, "must be given at most once");
    String v = params.get(name);
    if (v == null || v.isEmpty()) return null;
    if (v.length() > MAX_LENGTH) throw ApiException.badField(name, "must be at most " + MAX_LENGTH + " characters");
    return v;
  }

  /** Whether the send, as {@code GET /v1/sends/{id}} shows it, is one to stream. */
  boolean matches(JsonObject send) {
    if (!"evaluated".equals(send.getString("status"))) return false;
    if (messageId != null && !messageId.equals(send.getString("message_id"))) return false;
    JsonArray effects = send.getJsonArray("effects");
    if (effects == null) return false;
    for (int i = 0; i < effects.size(); i++) {
      JsonObject effect = effects.getJsonObject(i);
      if (eventName != null && !eventName.equals(effect.getString("event_name"))) continue;
      String verdict = effect.getString("verdict");
      if (verdict != null && !"none".equals(verdict)) return true;
    }
    return false;
  }
}
