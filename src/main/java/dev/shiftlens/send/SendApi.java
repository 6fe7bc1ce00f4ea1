package dev.shiftlens.send;

import dev.shiftlens.platform.Replies;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/sends/{send_id}}. */
public final class SendApi {
  private final SendRepository sends;

  public SendApi(SendRepository sends) {
    this.sends = sends;
  }

  public void get(RoutingContext ctx) {
    String id = ctx.pathParam("send_id");
    Replies.jsonOrNotFound(ctx, sends.get(id), "no send with send_id '" + id + "'");
  }
}
