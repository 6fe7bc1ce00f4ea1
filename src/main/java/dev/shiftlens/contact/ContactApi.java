package dev.shiftlens.contact;

import dev.shiftlens.platform.Replies;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/contacts/{contact_id}}. */
public final class ContactApi {
  private final ContactRepository contacts;

  public ContactApi(ContactRepository contacts) {
    this.contacts = contacts;
  }

  public void get(RoutingContext ctx) {
    String id = ctx.pathParam("contact_id");
    Replies.jsonOrNotFound(ctx, contacts.get(id), "no contact with contact_id '" + id + "'");
  }
}
