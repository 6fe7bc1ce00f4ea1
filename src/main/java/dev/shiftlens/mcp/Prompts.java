package dev.shiftlens.mcp;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The prompt {@code plan_next_send}: a plan for a contact's next send, built on the tools' answers. */
final class Prompts {
  static final String PLAN = "plan_next_send";

  JsonObject list() {
    return new JsonObject().put("prompts", new JsonArray().add(new JsonObject()
        .put("name", PLAN)
        .put("title", "Plan the next send for a contact")
        .put("description", "Plan the channel, time and message labels of the next send to one contact, from its baseline,"
            + " its reactions to past sends and its preferences.")
        .put("arguments", new JsonArray().add(new JsonObject().put("name", "contact_id")
            .put("description", "the contact's id").put("required", true)))));
  }

  Future<Object> get(JsonObject params) {
    if (!PLAN.equals(params.getValue("name"))) {
      return Future.failedFuture(new McpApi.RpcError(-32602, "Unknown prompt: " + params.getValue("name") + "; prompts: " + PLAN));
    }
    JsonObject arguments = params.getJsonObject("arguments", new JsonObject());
    Object contact = arguments.getValue("contact_id");
    if (!(contact instanceof String id) || id.isEmpty()) {
      return Future.failedFuture(new McpApi.RpcError(-32602, "argument contact_id is required: the contact's id"));
    }
    String text = "Plan the next message send for contact " + id + ".\n"
        + "1. Call get_contact_profile with contact_id " + id + " to learn what the contact normally does and how it can"
        + " be reached.\n"
        + "2. Call get_contact_shifts with contact_id " + id + " to see how it reacted to recent sends. Read verdicts with"
        + " care: up/down means p < alpha for that one send; none is no evidence, not evidence of no effect;"
        + " insufficient_history means no effect was computed.\n"
        + "3. Call get_contact_preferences with contact_id " + id + ". Prefer its recommendation (a Thompson draw, which"
        + " also explores); say how sure it is from prob_best and how many sends are behind it.\n"
        + "4. If the contact has few sends, call get_send_metrics with group_by message_id (and label:<key>) to see what"
        + " works for the population.\n"
        + "Answer with the channel, the send slot (local weekday and hours), the message labels and, if one fits, a"
        + " message_id; give each choice with the figure behind it and its uncertainty, and say what to watch for after"
        + " the send (which event names, in which window).";
    return Future.succeededFuture(new JsonObject()
        .put("description", "Plan the next send for contact " + id)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", new JsonObject().put("type", "text").put("text", text)))));
  }
}
