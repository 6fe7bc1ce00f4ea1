package dev.shiftlens.send;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Replies;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
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

  /**
   * One page of a contact's sends, newest first, as {@code GET /v1/sends?contact_id=} pages them;
   * throws an {@link ApiException} naming a bad parameter.
   */
  public Future<JsonObject> contactPage(String contactId, MultiMap params) {
    return sends.list(SendListQuery.forContact(contactId, params));
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
      if (page.failed()) ctx.fail(ApiException.storeUnavailable(page.cause()));
      else Replies.json(ctx, page.result());
    });
  }
}
