package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

/** Common ways of answering a read. */
public final class Replies {
  /**
   * Jackson's streaming generator. {@code ctx.json} picks the data-binding codec when jackson-databind is
   * on the class path, which walks every map through serializers: for answers of thousands of values (a
   * baseline's 168 hours per event, a page of sends with their effects) that was most of the CPU a
   * request cost.
   */
  private static final JacksonCodec STREAMING = new JacksonCodec();

  private Replies() {}

  /** {@code body} as the JSON answer (200). */
  public static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(STREAMING.toBuffer(body, false));
  }

  /** The object as JSON; 404 with {@code missing} when it is null; 503 when the store failed. */
  public static void jsonOrNotFound(RoutingContext ctx, Future<JsonObject> lookup, String missing) {
    lookup.onComplete(result -> {
      if (result.failed()) ctx.fail(ApiException.storeUnavailable(result.cause()));
      else if (result.result() == null) ctx.fail(ApiException.notFound(missing));
      else json(ctx, result.result());
    });
  }
}
