package dev.shiftlens.mcp;

import static dev.shiftlens.mcp.Schemas.array;
import static dev.shiftlens.mcp.Schemas.enumOf;
import static dev.shiftlens.mcp.Schemas.input;
import static dev.shiftlens.mcp.Schemas.integer;
import static dev.shiftlens.mcp.Schemas.nullable;
import static dev.shiftlens.mcp.Schemas.object;
import static dev.shiftlens.mcp.Schemas.string;
import static dev.shiftlens.mcp.Schemas.type;
import static dev.shiftlens.mcp.Texts.num;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The MCP tools: each reads the REST API of this server with the caller's key and answers its JSON as
 * {@code structuredContent}, with a short text an LLM can read. Runs on the request's event loop.
 */
final class Tools {
  /** How to read a verdict; repeated in the descriptions of the tools that show verdicts. */
  static final String HOW_TO_READ = " How to read an effect: rate_ratio = observed / expected, where expected is what the"
      + " contact's own 28-day baseline predicts for that very window at those hours of the week; ci_low-ci_high is its 95%"
      + " interval. verdict is up or down when the two-sided p_value < alpha (0.05 unless configured), else none; none means"
      + " no evidence of a change, not evidence of no change. prob_increase is the probability that the contact's rate went"
      + " up in the window; it is not 1 - p. Event name '*' is all events weighted by their rewards (see list_event_types)."
      + " status insufficient_history means the contact was first seen less than 7 days before the send, so no effect was"
      + " computed (it says nothing either way); pending means the response window has not closed yet. One send is one"
      + " noisy observation: with many event names about 1 in 20 null effects shows a verdict by chance; prefer"
      + " get_contact_preferences or get_send_metrics for decisions.";

  /** One tool: its listing and its implementation. */
  record Tool(String name, String title, String description, JsonObject inputSchema, JsonObject outputSchema,
      BiFunction<Arguments, String, Future<ToolResult>> call, boolean readOnly) {
    Tool(String name, String title, String description, JsonObject inputSchema, JsonObject outputSchema,
        BiFunction<Arguments, String, Future<ToolResult>> call) {
      this(name, title, description, inputSchema, outputSchema, call, true);
    }

    Set<String> arguments() {
      return inputSchema.getJsonObject("properties").fieldNames();
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("title", title).put("description", description)
          .put("inputSchema", inputSchema).put("outputSchema", outputSchema)
          .put("annotations", new JsonObject().put("readOnlyHint", readOnly).put("openWorldHint", false));
    }
  }

  private final RestClient rest;
  private final Map<String, Tool> tools = new LinkedHashMap<>();

  Tools(RestClient rest) {
    this.rest = rest;
    add(new Tool("get_contact_profile", "Contact profile and baseline",
        "The contact's profile (country, timezone, reach fields, properties) and a summary of its baseline: per event name"
            + " its count in the last 28 days, its rate per day and the shrunk rate the engine uses, and when it was last"
            + " seen. Use it first, to learn what the contact normally does; a send's effect is measured against exactly"
            + " this baseline. as_of (RFC 3339) reads the baseline a send at that time would be measured against.",
        input(new JsonObject()
            .put("contact_id", string("the contact's id"))
            .put("as_of", string("optional time of the baseline, RFC 3339; default now")), "contact_id"),
        object(new JsonObject()
            .put("contact_id", type("string"))
            .put("contact", nullable("object"))
            .put("timezone", type("string"))
            .put("as_of", type("string"))
            .put("baseline", type("object"))
            .put("events", array(object(new JsonObject()
                .put("event_name", type("string"))
                .put("count_28d", type("number"))
                .put("rate_per_day", nullable("number"))
                .put("shrunk_rate_per_day", nullable("number"))
                .put("last_seen", nullable("string"))
                .put("baseline_count", type("number")), "event_name"))),
            "contact_id", "contact", "events"),
        this::profile));
    add(new Tool("get_contact_shifts", "Contact's recent shifts",
        "The contact's sends, newest first, each with its status and its effects: how the contact's behavior in the"
            + " response window differed from its own baseline, per event name. Use it to see how the contact reacted to"
            + " past messages. The text lists each send's '*' effect and every effect with a verdict; structuredContent"
            + " has every effect." + HOW_TO_READ,
        input(new JsonObject()
            .put("contact_id", string("the contact's id"))
            .put("limit", integer("sends per page, default 10", 1, 100))
            .put("status", enumOf("only sends with this status", "pending", "evaluated", "insufficient_history"))
            .put("message_id", string("only sends of this message"))
            .put("cursor", string("next_cursor of the previous page")), "contact_id"),
        object(new JsonObject()
            .put("contact_id", type("string"))
            .put("items", array(Schemas.SEND))
            .put("next_cursor", nullable("string")), "contact_id", "items", "next_cursor"),
        this::shifts));
    add(new Tool("get_contact_preferences", "Contact's preferences and next-send recommendation",
        "For each dimension (channel; send_slot = weekday and 3-hour block of local time such as mon_09-12; each message"
            + " label as label:<key>) the values this contact was sent or could be sent, with sends, the posterior lift"
            + " (the contact's all-events response relative to its baseline, 1 = no change; shrunk toward the population's"
            + " lift for the value) and prob_best (probability that this value has the largest lift of its dimension)."
            + " recommendation names one value per dimension drawn by Thompson sampling: usually the best, sometimes one"
            + " that might be better, so that sending it also learns. Use it to choose the channel, time and message"
            + " labels of the next send; a prob_best near 1 / (number of values) means the contact's data cannot tell"
            + " the values apart yet.",
        input(new JsonObject().put("contact_id", string("the contact's id")), "contact_id"),
        object(new JsonObject()
            .put("contact_id", type("string"))
            .put("sends", type("integer"))
            .put("prior", type("object"))
            .put("dimensions", new JsonObject().put("type", "object").put("additionalProperties", array(object(new JsonObject()
                .put("value", type("string"))
                .put("sends", type("integer"))
                .put("observed", type("number"))
                .put("expected", type("number"))
                .put("prior_lift", type("number"))
                .put("lift", type("number"))
                .put("prob_best", type("number")), "value", "lift", "prob_best"))))
            .put("recommendation", new JsonObject().put("type", "object").put("additionalProperties", type("string"))),
            "contact_id", "dimensions", "recommendation"),
        this::preferences));
    add(new Tool("explain_send", "One send's effects explained",
        "One send with every effect, each explained in a line: the ratio to the baseline with its 95% interval, the"
            + " observed and expected counts, p and the probability of an increase, and the verdict." + HOW_TO_READ,
        input(new JsonObject().put("send_id", string("the send's id")), "send_id"),
        Schemas.SEND,
        this::send));
    add(new Tool("get_send_metrics", "Message and label aggregates",
        "Aggregates over all contacts' evaluated sends, grouped by message_id, channel, label:<key>, day or send_hour:"
            + " lift = sum observed / sum expected with an always-valid 95% interval (valid however often it is read),"
            + " adjusted_lift against holdouts where there are any (the most trustworthy figure), share of sends with"
            + " verdict up / down, and q_value (Benjamini-Hochberg across the groups of this answer). Use it to learn"
            + " which messages, channels or labels work for the population, with far more evidence than one contact has.",
        input(new JsonObject()
            .put("group_by", string("message_id, channel, day, send_hour or label:<key>"))
            .put("event_name", string("an event name, or * (default): all events weighted by reward"))
            .put("from", string("sent at or after, RFC 3339"))
            .put("to", string("sent before, RFC 3339"))
            .put("message_id", string("only this message"))
            .put("channel", string("only this channel")), "group_by"),
        object(new JsonObject()
            .put("event_name", type("string"))
            .put("group_by", type("string"))
            .put("groups", array(object(new JsonObject()
                .put("key", nullable("string"))
                .put("sends", type("integer"))
                .put("evaluated", type("integer"))
                .put("lift", nullable("number"))
                .put("ci_low", nullable("number"))
                .put("ci_high", nullable("number"))
                .put("adjusted_lift", nullable("number"))
                .put("q_value", nullable("number")), "key", "sends"))),
            "event_name", "group_by", "groups"),
        this::metrics));
    add(new Tool("query_audience", "Audience query",
        "The contacts that pass every filter (AND), in contact_id order: properties [{key, op: eq|neq|in|exists|gt|gte|"
            + "lt|lte|contains, value}] (country, timezone and the reach fields push_token, phone_number, email_address"
            + " filter like properties), behavior [{event_name ('*' = any), min_count, max_count, within_days}], shifts"
            + " [{event_name, verdict: up|down, within_days}] (contacts with a send whose effect had that verdict). count"
            + " is the size of the whole audience; page with next_cursor.",
        input(new JsonObject()
            .put("properties", array(type("object")))
            .put("behavior", array(type("object")))
            .put("shifts", array(type("object")))
            .put("limit", integer("contact ids per page, default 100", 1, 10000))
            .put("cursor", string("next_cursor of the previous page"))),
        object(new JsonObject()
            .put("count", type("integer"))
            .put("contact_ids", array(type("string")))
            .put("next_cursor", nullable("string")), "count", "contact_ids", "next_cursor"),
        this::audience));
    add(new Tool("list_event_types", "Event types",
        "Every configured event type: category (revenue, engagement, negative, irrelevant) and reward, the weight of the"
            + " event name in the all-events effect '*'. Names not listed are engagement with reward 1; irrelevant ones"
            + " are left out of '*'. Use it to know what '*' counts and which events are revenue.",
        input(new JsonObject()),
        object(new JsonObject().put("items", array(object(new JsonObject()
            .put("event_name", type("string"))
            .put("category", type("string"))
            .put("reward", type("number"))
            .put("updated_at", nullable("string")), "event_name", "category", "reward"))), "items"),
        this::eventTypes));
    add(new Tool("set_event_type", "Set an event type (admin)",
        "Sets how an event name counts in the all-events effect '*': its category (revenue, engagement, negative,"
            + " irrelevant) and its reward. Needs a key with the admin scope; with a read key it fails. Use it only when"
            + " an operator asked for it: it changes how every later send's '*' is weighted, not sends already evaluated.",
        input(new JsonObject()
            .put("event_name", string("the event name"))
            .put("category", enumOf("how the event counts", "revenue", "engagement", "negative", "irrelevant"))
            .put("reward", new JsonObject().put("type", "number").put("description",
                "its weight in '*'; default 1 (negative for negative events)")), "event_name", "category"),
        object(new JsonObject()
            .put("event_name", type("string"))
            .put("category", type("string"))
            .put("reward", type("number"))
            .put("updated_at", nullable("string")), "event_name", "category", "reward"),
        this::setEventType, false));
  }

  private void add(Tool tool) {
    tools.put(tool.name(), tool);
  }

  List<Tool> all() {
    return List.copyOf(tools.values());
  }

  Tool named(String name) {
    return tools.get(name);
  }

  /** Runs a tool; bad arguments and REST errors become tool errors, never protocol errors. */
  Future<ToolResult> call(Tool tool, Object arguments, String authorization) {
    try {
      Arguments args = Arguments.of(arguments, tool.arguments());
      return tool.call().apply(args, authorization)
          .recover(e -> Future.succeededFuture(e instanceof ToolArgumentException
              ? ToolResult.error(e.getMessage())
              : ToolResult.error("the server could not answer now (" + e.getMessage() + "); retry shortly")));
    } catch (ToolArgumentException e) {
      return Future.succeededFuture(ToolResult.error(e.getMessage()));
    }
  }

  /** The tool error for a REST error: what was not found, or which argument was wrong, in the server's words. */
  private static ToolResult failure(RestClient.Reply reply, String notFound) {
    String field = reply.body().getString("field");
    return switch (reply.status()) {
      case 404 -> ToolResult.error(notFound + " (" + reply.detail() + ")");
      case 400, 413 -> ToolResult.error("bad argument" + (field == null ? "" : " " + field) + ": " + reply.detail());
      case 401, 403 -> ToolResult.error("not allowed: " + reply.detail());
      default -> ToolResult.error("the server could not answer now (HTTP " + reply.status() + ": " + reply.detail() + "); retry shortly");
    };
  }

  private Future<ToolResult> profile(Arguments args, String auth) {
    String id = args.requiredString("contact_id");
    String asOf = args.optionalString("as_of");
    String path = "/v1/contacts/" + RestClient.segment(id);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("as_of", asOf);
    Future<RestClient.Reply> contact = rest.get(path, Map.of(), auth);
    Future<RestClient.Reply> baseline = rest.get(path + "/baseline", query, auth);
    return Future.all(contact, baseline).map(all -> {
      RestClient.Reply c = contact.result();
      RestClient.Reply b = baseline.result();
      if (!b.ok()) return failure(b, "unknown contact '" + id + "': no such contact, and no events or sends of it");
      if (!c.ok() && c.status() != 404) return failure(c, "unknown contact '" + id + "'");
      JsonObject view = b.body();
      JsonArray events = new JsonArray();
      for (Object o : view.getJsonArray("events", new JsonArray())) {
        JsonObject e = ((JsonObject) o).copy();
        e.remove("hour_of_week");
        events.add(e);
      }
      JsonObject profile = c.ok() ? c.body() : null;
      JsonObject structured = new JsonObject().put("contact_id", id).put("contact", profile)
          .put("timezone", view.getString("timezone")).put("as_of", view.getString("as_of"))
          .put("baseline", view.getJsonObject("baseline")).put("events", events);
      List<String> lines = Texts.list();
      if (profile == null) {
        lines.add("Contact " + id + " has no profile row (only events or sends); timezone " + view.getString("timezone") + ".");
      } else {
        List<String> reach = new java.util.ArrayList<>();
        if (profile.getString("push_token") != null) reach.add("push");
        if (profile.getString("phone_number") != null) reach.add("sms");
        if (profile.getString("email_address") != null) reach.add("email");
        lines.add("Contact " + id + ": country " + profile.getString("country") + ", timezone " + view.getString("timezone")
            + ", reachable by " + (reach.isEmpty() ? "its contact_id only" : String.join(", ", reach))
            + ", properties " + profile.getJsonObject("properties", new JsonObject()).encode() + ".");
      }
      JsonObject period = view.getJsonObject("baseline", new JsonObject());
      lines.add("Baseline as of " + view.getString("as_of") + ": " + num(period.getDouble("days")) + " days observed ("
          + period.getString("from") + " to " + period.getString("to") + "), response windows of earlier sends left out.");
      if (events.isEmpty()) lines.add("No events in the baseline.");
      for (Object o : events) {
        JsonObject e = (JsonObject) o;
        lines.add("- " + e.getString("event_name") + ": " + num(e.getDouble("rate_per_day")) + " per day observed, "
            + num(e.getDouble("shrunk_rate_per_day")) + " per day as the engine expects it (shrunk toward the population); "
            + e.getValue("count_28d") + " in the last 28 days; last seen " + e.getString("last_seen"));
      }
      return ToolResult.ok(Texts.lines(lines), structured);
    });
  }

  private Future<ToolResult> shifts(Arguments args, String auth) {
    String id = args.requiredString("contact_id");
    Integer limit = args.optionalInt("limit", 1, 100);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("limit", String.valueOf(limit == null ? 10 : limit));
    query.put("status", args.optionalString("status"));
    query.put("message_id", args.optionalString("message_id"));
    query.put("cursor", args.optionalString("cursor"));
    return rest.get("/v1/contacts/" + RestClient.segment(id) + "/shifts", query, auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "unknown contact '" + id + "': no such contact, and no events or sends of it");
      JsonArray items = reply.body().getJsonArray("items", new JsonArray());
      JsonObject structured = new JsonObject().put("contact_id", id).put("items", items)
          .put("next_cursor", reply.body().getString("next_cursor"));
      List<String> lines = Texts.list();
      lines.add(items.isEmpty() ? "Contact " + id + " has no sends" + (query.get("status") == null ? "" : " with that status") + "."
          : "Contact " + id + ": " + items.size() + " send(s), newest first.");
      for (Object o : items) lines.add(Texts.send((JsonObject) o));
      if (structured.getString("next_cursor") != null) lines.add("More sends: call again with cursor " + structured.getString("next_cursor"));
      return ToolResult.ok(Texts.lines(lines), structured);
    });
  }

  private Future<ToolResult> preferences(Arguments args, String auth) {
    String id = args.requiredString("contact_id");
    return rest.get("/v1/contacts/" + RestClient.segment(id) + "/preferences", Map.of(), auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "unknown contact '" + id + "': no such contact, and no events or sends of it");
      JsonObject body = reply.body();
      List<String> lines = Texts.list();
      lines.add("Contact " + id + ": " + body.getValue("sends") + " evaluated delivered send(s) behind these figures."
          + " lift is the all-events response relative to the contact's baseline (1 = no change), prob_best the"
          + " probability that the value is the best of its dimension.");
      JsonObject recommendation = body.getJsonObject("recommendation", new JsonObject());
      JsonObject dimensions = body.getJsonObject("dimensions", new JsonObject());
      for (String dimension : dimensions.fieldNames()) {
        JsonArray values = dimensions.getJsonArray(dimension);
        String pick = recommendation.getString(dimension);
        StringBuilder b = new StringBuilder("- " + dimension + ": recommended " + pick + " (Thompson draw)");
        values.stream().map(JsonObject.class::cast)
            .sorted((x, y) -> Double.compare(y.getDouble("prob_best", 0.0), x.getDouble("prob_best", 0.0)))
            .limit(4)
            .forEach(v -> b.append("; ").append(v.getString("value")).append(" lift ").append(num(v.getDouble("lift")))
                .append(" (prior ").append(num(v.getDouble("prior_lift"))).append(", ").append(v.getValue("sends"))
                .append(" sends), prob_best ").append(num(v.getDouble("prob_best"))));
        if (values.size() > 4) b.append("; ").append(values.size() - 4).append(" more");
        lines.add(b.toString());
      }
      return ToolResult.ok(Texts.lines(lines), body);
    });
  }

  private Future<ToolResult> send(Arguments args, String auth) {
    String id = args.requiredString("send_id");
    return rest.get("/v1/sends/" + RestClient.segment(id), Map.of(), auth).map(reply -> reply.ok()
        ? ToolResult.ok(Texts.sendInFull(reply.body()), reply.body())
        : failure(reply, "unknown send '" + id + "'"));
  }

  private Future<ToolResult> metrics(Arguments args, String auth) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String name : List.of("group_by", "event_name", "from", "to", "message_id", "channel")) {
      query.put(name, name.equals("group_by") ? args.requiredString(name) : args.optionalString(name));
    }
    return rest.get("/v1/metrics/sends", query, auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "nothing found");
      JsonObject body = reply.body();
      List<String> lines = Texts.list();
      String event = body.getString("event_name");
      lines.add("Event " + ("*".equals(event) ? "* (all events, reward-weighted)" : event) + " by " + body.getString("group_by")
          + "; lift = observed / expected over evaluated delivered sends, 1 = no change; intervals are always-valid 95%.");
      for (Object o : body.getJsonArray("groups", new JsonArray())) {
        JsonObject g = (JsonObject) o;
        StringBuilder b = new StringBuilder("- " + g.getValue("key") + ": lift " + num(g.getDouble("lift")) + " ("
            + Texts.interval(g.getDouble("ci_low"), g.getDouble("ci_high")) + ") over " + g.getValue("evaluated") + " evaluated of "
            + g.getValue("sends") + " sends");
        if (g.getDouble("adjusted_lift") != null) {
          b.append("; against holdouts ").append(num(g.getDouble("adjusted_lift"))).append(" (")
              .append(Texts.interval(g.getDouble("adjusted_ci_low"), g.getDouble("adjusted_ci_high"))).append(")");
        }
        b.append("; verdicts up ").append(num(g.getDouble("share_up"))).append(", down ").append(num(g.getDouble("share_down")))
            .append("; q = ").append(num(g.getDouble("q_value")));
        lines.add(b.toString());
      }
      return ToolResult.ok(Texts.lines(lines), body);
    });
  }

  private Future<ToolResult> audience(Arguments args, String auth) {
    JsonObject body = new JsonObject();
    for (String part : List.of("properties", "behavior", "shifts")) {
      JsonArray filters = args.optionalArray(part);
      if (filters != null) body.put(part, filters);
    }
    Integer limit = args.optionalInt("limit", 1, 10000);
    if (limit != null) body.put("limit", limit);
    String cursor = args.optionalString("cursor");
    if (cursor != null) body.put("cursor", cursor);
    return rest.post("/v1/audiences/query", body, auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "nothing found");
      JsonObject answer = reply.body();
      JsonArray ids = answer.getJsonArray("contact_ids", new JsonArray());
      StringBuilder b = new StringBuilder(answer.getValue("count") + " contact(s) match");
      if (!ids.isEmpty()) {
        b.append("; this page has ").append(ids.size()).append(": ");
        b.append(String.join(", ", ids.stream().limit(50).map(String::valueOf).toList()));
        if (ids.size() > 50) b.append(", ... (all in structuredContent)");
      }
      if (answer.getString("next_cursor") != null) b.append(". More: call again with cursor ").append(answer.getString("next_cursor"));
      return ToolResult.ok(b.toString(), answer);
    });
  }

  private Future<ToolResult> setEventType(Arguments args, String auth) {
    String name = args.requiredString("event_name");
    JsonObject body = new JsonObject().put("category", args.requiredString("category"));
    Double reward = args.optionalNumber("reward");
    if (reward != null) body.put("reward", reward);
    return rest.put("/v1/event-types/" + RestClient.segment(name), body, auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "unknown event type");
      JsonObject t = reply.body();
      return ToolResult.ok(t.getString("event_name") + " is now " + t.getString("category") + " with reward "
          + num(t.getDouble("reward")) + "; sends evaluated from now on weigh it so in '*'.", t);
    });
  }

  private Future<ToolResult> eventTypes(Arguments args, String auth) {
    return rest.get("/v1/event-types", Map.of(), auth).map(reply -> {
      if (!reply.ok()) return failure(reply, "nothing found");
      JsonArray items = reply.body().getJsonArray("items", new JsonArray());
      List<String> lines = Texts.list();
      lines.add(items.size() + " configured event type(s); any other event name is engagement with reward 1.");
      for (Object o : items) {
        JsonObject t = (JsonObject) o;
        lines.add("- " + t.getString("event_name") + ": " + t.getString("category") + ", reward " + num(t.getDouble("reward")));
      }
      return ToolResult.ok(Texts.lines(lines), reply.body());
    });
  }
}
