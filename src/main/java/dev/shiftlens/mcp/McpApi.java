package dev.shiftlens.mcp;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Bodies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /mcp}: the Model Context Protocol's Streamable HTTP transport, stateless. Each POST carries one
 * JSON-RPC message (or, as 2025-03-26 allowed, a batch); requests are answered with
 * {@code application/json}, notifications and responses with 202. No session is kept, so there is no
 * {@code Mcp-Session-Id} and no server-initiated stream: only POST is routed, so GET and DELETE are the
 * router's 405. Messages that cannot be read at all are 400 problems that carry a JSON-RPC error. Runs on the request's
 * event loop; tools read the REST API over loopback HTTP, never blocking.
 */
public final class McpApi {
  /** Newest first: an initialize asking for one of these gets it, any other gets the newest. */
  static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");
  private static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final int PARSE_ERROR = -32700;
  private static final int INVALID_REQUEST = -32600;
  private static final int METHOD_NOT_FOUND = -32601;
  private static final int INVALID_PARAMS = -32602;
  private static final String INSTRUCTIONS = "Shiftlens measures how each contact's behavior changed after each message"
      + " send, against the contact's own baseline. For one contact: get_contact_profile (what it normally does),"
      + " get_contact_shifts (how it reacted to past sends), get_contact_preferences (which channel, time slot and labels"
      + " work best, with a recommendation). explain_send explains one send; get_send_metrics aggregates over all"
      + " contacts; query_audience finds contacts; list_event_types tells what the all-events effect '*' counts.";

  private final String version;
  private final Tools tools;
  private final Prompts prompts;
  private final RestClient rest;

  public McpApi(Vertx vertx, String host, int port, String version) {
    this.version = version;
    this.rest = new RestClient(vertx, host, port);
    this.tools = new Tools(rest);
    this.prompts = new Prompts();
  }

  public void post(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !sameHost(origin, ctx.request().authority() == null ? null : ctx.request().authority().host())) {
      // DNS rebinding: a page of another site must not reach a server on the user's machine.
      ctx.fail(new ApiException(403, "Forbidden", "requests from origin " + origin + " are not accepted"));
      return;
    }
    String protocol = ctx.request().getHeader("MCP-Protocol-Version");
    if (protocol != null && !VERSIONS.contains(protocol)) {
      ctx.fail(badRequest(INVALID_REQUEST, "unsupported MCP-Protocol-Version " + protocol + "; supported: "
          + String.join(", ", VERSIONS)));
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      ctx.fail(new ApiException(415, "Unsupported Media Type", "POST JSON-RPC messages as application/json"));
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    Bodies.read(ctx, MAX_BODY_BYTES).onComplete(read -> {
      if (read.failed()) {
        ctx.fail(read.cause());
        return;
      }
      Object message;
      try {
        message = Json.decodeValue(read.result());
      } catch (DecodeException e) {
        ctx.fail(badRequest(PARSE_ERROR, "Parse error: " + e.getMessage()));
        return;
      }
      if (message instanceof JsonArray batch) {
        if (batch.isEmpty()) {
          ctx.fail(badRequest(INVALID_REQUEST, "an empty batch"));
          return;
        }
        List<Future<JsonObject>> answers = new ArrayList<>();
        for (Object m : batch) answers.add(handle(m, authorization));
        Future.join(answers).onComplete(done -> {
          JsonArray replies = new JsonArray();
          for (Future<JsonObject> a : answers) if (a.result() != null) replies.add(a.result());
          if (replies.isEmpty()) ctx.response().setStatusCode(202).end();
          else reply(ctx, 200, replies);
        });
      } else {
        handle(message, authorization).onComplete(answer -> {
          if (answer.result() == null) ctx.response().setStatusCode(202).end();
          else reply(ctx, 200, answer.result());
        });
      }
    });
  }

  /** The response to one message, or null for a notification or a client's response. Never fails. */
  Future<JsonObject> handle(Object message, String authorization) {
    if (!(message instanceof JsonObject m) || !"2.0".equals(m.getValue("jsonrpc"))) {
      return Future.succeededFuture(error(null, INVALID_REQUEST, "not a JSON-RPC 2.0 message"));
    }
    Object id = m.getValue("id");
    Object method = m.getValue("method");
    if (method == null) {
      if (m.containsKey("result") || m.containsKey("error")) return Future.succeededFuture(null); // a response: nothing asked it
      return Future.succeededFuture(error(id, INVALID_REQUEST, "a JSON-RPC message needs a method"));
    }
    if (!(method instanceof String name)) return Future.succeededFuture(error(id, INVALID_REQUEST, "method must be a string"));
    if (!m.containsKey("id")) return Future.succeededFuture(null); // notifications/initialized, cancelled, ...: nothing to do
    if (!(id instanceof String) && !(id instanceof Number)) {
      return Future.succeededFuture(error(null, INVALID_REQUEST, "id must be a string or a number"));
    }
    Object params = m.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      return Future.succeededFuture(error(id, INVALID_PARAMS, "params must be an object"));
    }
    JsonObject p = params == null ? new JsonObject() : (JsonObject) params;
    Future<Object> result = switch (name) {
      case "initialize" -> Future.succeededFuture(initialize(p));
      case "ping" -> Future.succeededFuture(new JsonObject());
      case "tools/list" -> {
        JsonArray list = new JsonArray();
        tools.all().forEach(t -> list.add(t.toJson()));
        yield Future.succeededFuture(new JsonObject().put("tools", list));
      }
      case "tools/call" -> callTool(p, authorization);
      case "prompts/list" -> Future.succeededFuture(prompts.list());
      case "prompts/get" -> prompts.get(p);
      default -> Future.failedFuture(new RpcError(METHOD_NOT_FOUND, "Method not found: " + name));
    };
    return result.map(r -> new JsonObject().put("jsonrpc", "2.0").put("id", id).put("result", r))
        .otherwise(e -> e instanceof RpcError rpc ? error(id, rpc.code, rpc.getMessage())
            : error(id, -32603, "Internal error: " + e.getMessage()));
  }

  private JsonObject initialize(JsonObject params) {
    Object asked = params.getValue("protocolVersion");
    String agreed = asked instanceof String s && VERSIONS.contains(s) ? s : VERSIONS.get(0);
    return new JsonObject()
        .put("protocolVersion", agreed)
        .put("capabilities", new JsonObject()
            .put("tools", new JsonObject().put("listChanged", false))
            .put("prompts", new JsonObject().put("listChanged", false)))
        .put("serverInfo", new JsonObject().put("name", "shiftlens").put("title", "Shiftlens").put("version", version))
        .put("instructions", INSTRUCTIONS);
  }

  private Future<Object> callTool(JsonObject params, String authorization) {
    Object name = params.getValue("name");
    if (!(name instanceof String toolName)) return Future.failedFuture(new RpcError(INVALID_PARAMS, "params.name must be a tool's name"));
    Tools.Tool tool = tools.named(toolName);
    if (tool == null) {
      return Future.failedFuture(new RpcError(INVALID_PARAMS, "Unknown tool: " + toolName + "; tools: "
          + String.join(", ", tools.all().stream().map(Tools.Tool::name).toList())));
    }
    return tools.call(tool, params.getValue("arguments"), authorization).map(ToolResult::toJson);
  }

  static JsonObject error(Object id, int code, String message) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
  }

  /**
   * A message that cannot be read at all: a 400, as the transport asks, whose problem+json body (the
   * server's one error format) is also a JSON-RPC error response without an id.
   */
  private static ApiException badRequest(int code, String message) {
    return new ApiException(400, "Bad Request", message, error(null, code, message));
  }

  private static void reply(RoutingContext ctx, int status, Object body) {
    Buffer bytes = body instanceof JsonArray a ? a.toBuffer() : ((JsonObject) body).toBuffer();
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(bytes);
  }

  private static boolean sameHost(String origin, String host) {
    try {
      String from = URI.create(origin).getHost();
      if (from == null) return false;
      return from.equalsIgnoreCase(host) || from.equals("localhost") || from.equals("127.0.0.1") || from.equals("[::1]");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A JSON-RPC error: the request itself was wrong (an unknown method or tool, params of the wrong shape). */
  static final class RpcError extends RuntimeException {
    final int code;

    RpcError(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
