package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/sends/{send_id}}. */
public final class SendApi {
  private final SendRepository sends;

  public SendApi(SendRepository sends) {
    this.sends = sends;
  }

  public void get(RoutingContext ctx) {
    String id = ctx.pathParam("send_id");
    sends.get(id).onComplete(result -> {
      if (result.failed()) ctx.fail(ApiException.unavailable("PostgreSQL is unavailable: " + result.cause().getMessage(), 5));
      else if (result.result() == null) ctx.fail(ApiException.notFound("no send with send_id '" + id + "'"));
      else ctx.json(result.result());
    });
  }
}
