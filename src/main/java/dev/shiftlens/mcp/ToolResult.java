package dev.shiftlens.mcp;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a tool answers: text an LLM reads, the same data as {@code structuredContent}, or a tool error
 * ({@code isError}) whose text says precisely what was wrong, so that the agent can correct its call.
 */
record ToolResult(String text, JsonObject structured, boolean error) {
  static ToolResult ok(String text, JsonObject structured) {
    return new ToolResult(text, structured, false);
  }

  static ToolResult error(String text) {
    return new ToolResult(text, null, true);
  }

  /** The {@code tools/call} result. */
  JsonObject toJson() {
    JsonObject result = new JsonObject()
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))
        .put("isError", error);
    if (structured != null) result.put("structuredContent", structured);
    return result;
  }
}
