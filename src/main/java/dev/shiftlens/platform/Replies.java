package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Common ways of answering a read. */
public final class Replies {
  private Replies() {}

  /** The object as JSON; 404 with {@code missing} when it is null; 503 when the store failed. */
  public static void jsonOrNotFound(RoutingContext ctx, Future<JsonObject> lookup, String missing) {
    lookup.onComplete(result -> {
      if (result.failed()) ctx.fail(ApiException.unavailable("the store is unavailable: " + result.cause().getMessage(), 5));
      else if (result.result() == null) ctx.fail(ApiException.notFound(missing));
      else ctx.json(result.result());
    });
  }
}
