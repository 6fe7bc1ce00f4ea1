package dev.shiftlens.contact;

import dev.shiftlens.platform.ApiException;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/contacts/{contact_id}}. */
public final class ContactApi {
  private final ContactRepository contacts;

  public ContactApi(ContactRepository contacts) {
    this.contacts = contacts;
  }

  public void get(RoutingContext ctx) {
    String id = ctx.pathParam("contact_id");
    contacts.get(id).onComplete(result -> {
      if (result.failed()) ctx.fail(ApiException.unavailable("PostgreSQL is unavailable: " + result.cause().getMessage(), 5));
      else if (result.result() == null) ctx.fail(ApiException.notFound("no contact with contact_id '" + id + "'"));
      else ctx.json(result.result());
    });
  }
}
