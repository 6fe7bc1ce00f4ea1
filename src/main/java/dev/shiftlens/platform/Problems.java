package dev.shiftlens.platform;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.stream.Collectors;
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
    } else if (failure instanceof HttpException http && http.getStatusCode() >= 400 && http.getStatusCode() < 500) {
      // Vert.x Web's own refusals, e.g. a query string that is not valid percent-encoding.
      int code = http.getStatusCode();
      problem = new ApiException(code, titleFor(code), http.getCause() != null && http.getCause().getMessage() != null
          ? http.getCause().getMessage() : http.getPayload() != null ? http.getPayload() : titleFor(code));
    } else if (failure == null) {
      int code = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      problem = new ApiException(code, titleFor(code), titleFor(code));
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      // A client error that Vert.x raised with its cause, e.g. a path that is not valid percent-encoding.
      int code = ctx.statusCode();
      problem = new ApiException(code, titleFor(code), failure.getMessage() == null ? titleFor(code) : failure.getMessage());
    } else {
      problem = new ApiException(500, "Internal Server Error", "unexpected error; see the server log for request " + requestId(ctx));
    }
    logServerError(requestId(ctx), ctx.request(), problem, failure);
    // An unread body (the request was refused before it was read) is not drained: reading it would cost what
    // accepting it would, so the connection is closed once the answer is written.
    Bodies.closeAfterAnswer(ctx.request());
    write(ctx.response(), problem, ctx.request().path());
  }

  /**
   * Logs a 5xx answer once, with the request id and the cause: the client reads a generic detail only
   * (never a store's own text), the operator finds the rest here under the id the client was given.
   */
  public static void logServerError(String requestId, HttpServerRequest request, ApiException problem, Throwable failure) {
    if (problem.status() < 500) return;
    Throwable cause = failure != null ? failure : problem;
    LOG.log(Level.WARNING, "request " + requestId + " " + request.method() + " " + request.path()
        + " failed: " + problem.getMessage() + (cause.getCause() != null ? " (" + cause.getCause() + ")" : ""), cause);
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
    if (problem.status() == 405 && problem.extra() != null && problem.extra().getValue("allow") instanceof JsonArray allow) {
      response.putHeader("Allow", allow.stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
    response.setStatusCode(problem.status())
        .putHeader("Content-Type", "application/problem+json")
        .end(body.encode());
  }

  /**
   * Server handler for requests the HTTP codec could not read (a request line or headers too long, a
   * malformed request): the same problem+json as every other error, then the connection is closed,
   * since where the next request would start is unknown.
   */
  public static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = new ApiException(414, titleFor(414), "the request line is too long");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = new ApiException(431, titleFor(431), "the request headers are too large");
    } else {
      problem = ApiException.badRequest("the request is not valid HTTP" + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
    request.response().putHeader("Connection", "close");
    write(request.response(), problem, null);
    request.connection().close();
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
      case 406 -> "Not Acceptable";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> code >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
