package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Replies;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/sends/{send_id}} and {@code GET /v1/sends}. Runs on the request's event loop. */
public final class SendApi {
  private final SendRepository sends;

  public SendApi(SendRepository sends) {
    this.sends = sends;
  }

  public void get(RoutingContext ctx) {
    String id = ctx.pathParam("send_id");
    Replies.jsonOrNotFound(ctx, sends.get(id), "no send with send_id '" + id + "'");
  }

  public void list(RoutingContext ctx) {
    SendListQuery query;
    try {
      query = SendListQuery.parse(ctx.queryParams());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    sends.list(query).onComplete(page -> {
      if (page.failed()) ctx.fail(ApiException.unavailable("the store is unavailable: " + page.cause().getMessage(), 5));
      else ctx.json(page.result());
    });
  }
}
