package dev.shiftlens.platform;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Writes every error as RFC 9457 problem+json; the one place where failures are logged. */
public final class Problems {
  private static final Logger LOG = Logger.getLogger(Problems.class.getName());

  private Problems() {}

  /** Router failure handler. */
  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiException problem;
    if (failure instanceof ApiException api) {
      problem = api;
    } else if (failure == null) {
      int code = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      problem = new ApiException(code, titleFor(code), titleFor(code));
    } else {
      problem = new ApiException(500, "Internal Server Error", "unexpected error; see the server log for request " + requestId(ctx));
    }
    if (problem.status() >= 500) {
      LOG.log(Level.WARNING, "request " + requestId(ctx) + " " + ctx.request().method() + " " + ctx.request().path()
          + " failed: " + problem.getMessage(), failure);
    }
    if (!ctx.request().isEnded()) ctx.request().resume(); // let an unread body drain so the connection stays usable
    write(ctx.response(), problem, ctx.request().path());
  }

  public static void write(HttpServerResponse response, ApiException problem, String instance) {
    if (response.ended() || response.closed()) return;
    JsonObject body = new JsonObject()
        .put("type", "about:blank")
        .put("title", problem.title())
        .put("status", problem.status())
        .put("detail", problem.getMessage());
    if (instance != null) body.put("instance", instance);
    if (problem.extra() != null) body.mergeIn(problem.extra());
    if (problem.status() == 503 || problem.status() == 429) {
      Object retry = problem.extra() == null ? null : problem.extra().getValue("retry_after");
      response.putHeader("Retry-After", String.valueOf(retry == null ? 5 : retry));
    }
    if (problem.status() == 401) response.putHeader("WWW-Authenticate", "Bearer");
    response.setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(body.encode());
  }

  static String requestId(RoutingContext ctx) {
    String id = ctx.get("request_id");
    return id == null ? "-" : id;
  }

  private static String titleFor(int code) {
    return switch (code) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 503 -> "Service Unavailable";
      default -> code >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
