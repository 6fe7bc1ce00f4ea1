package dev.shiftlens.query;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Bodies;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code PUT /v1/messages/{message_id}} and {@code GET /v1/messages}. Runs on the request's event loop. */
public final class MessageApi {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MessageRepository messages;

  public MessageApi(MessageRepository messages) {
    this.messages = messages;
  }

  /** Body {@code {"holdout_share": 0..1}}: the share of the message's sends meant to be holdouts. */
  public void put(RoutingContext ctx) {
    String id = ctx.pathParam("message_id");
    Bodies.read(ctx, MAX_BODY_BYTES)
        .map(body -> share(id, body.toString()))
        .compose(share -> messages.put(id, share)
            .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e))))
        .onComplete(stored -> {
          if (stored.failed()) ctx.fail(stored.cause());
          else ctx.json(stored.result());
        });
  }

  public void list(RoutingContext ctx) {
    messages.list().onComplete(listed -> {
      if (listed.failed()) ctx.fail(ApiException.storeUnavailable(listed.cause()));
      else ctx.json(new JsonObject().put("items", new JsonArray(listed.result())));
    });
  }

  private static double share(String messageId, String body) {
    if (messageId.isEmpty() || messageId.length() > 256) throw ApiException.badField("message_id", "must be 1 to 256 characters");
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw ApiException.badRequest("the body must be a JSON object such as {\"holdout_share\": 0.1}");
    }
    Object share = json.getValue("holdout_share");
    if (!(share instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
      throw ApiException.badField("holdout_share", "is required: a number from 0 to 1");
    }
    return n.doubleValue();
  }
}
