package dev.shiftlens.eventtype;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Bodies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code PUT /v1/event-types/{event_name}} and {@code GET /v1/event-types}. Runs on the request's event loop. */
public final class EventTypeApi {
  /** Largest PUT body: an event type is a few dozen bytes. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final EventTypeRepository types;

  public EventTypeApi(EventTypeRepository types) {
    this.types = types;
  }

  public void put(RoutingContext ctx) {
    Bodies.read(ctx, MAX_BODY_BYTES)
        .map(body -> EventTypeRequest.parse(ctx.pathParam("event_name"), body))
        .compose(type -> types.put(type)
            .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e))))
        .onComplete(stored -> {
          if (stored.failed()) ctx.fail(stored.cause());
          else ctx.json(stored.result());
        });
  }

  public void list(RoutingContext ctx) {
    types.list().onComplete(listed -> {
      if (listed.failed()) ctx.fail(ApiException.storeUnavailable(listed.cause()));
      else ctx.json(new JsonObject().put("items", new JsonArray(listed.result())));
    });
  }
}
