package dev.shiftlens.contact;

import io.vertx.core.json.JsonObject;

/**
 * One contact row to merge into the stored contact: {@code reach} holds the reach fields and time zone
 * that were given (null clears), {@code properties} the properties given (null removes). A null {@code country} keeps the stored one ({@code unknown} for a new contact).
 */
public record ContactUpsert(String contactId, String country, JsonObject reach, JsonObject properties) {
  /** This row followed by a later row of the same contact, as if both had been applied in order. */
  public ContactUpsert then(ContactUpsert later) {
    return new ContactUpsert(contactId, later.country != null ? later.country : country, reach.copy().mergeIn(later.reach), properties.copy().mergeIn(later.properties));
  }
}
