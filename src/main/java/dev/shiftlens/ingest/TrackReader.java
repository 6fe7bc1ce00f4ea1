package dev.shiftlens.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.shiftlens.contact.ContactUpsert;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * Reads the common Segment message, a {@code track} that names its {@code userId}, straight into an event,
 * the way {@code POST /v1/events} reads a row: {@link RowReader} (with its checks) into a {@link RawRow},
 * {@code properties} kept as the compact text it already is. Anything else, and anything this reading
 * would have to judge (a bad field, an anonymous id to resolve, a page name to add), is left to the
 * general reading, {@link SegmentBody#object} and {@link SegmentApi#parse}, which maps it the same way
 * and names the field of an error. One instance per request, on its event loop.
 */
final class TrackReader {
  private static final Object ABSENT = new Object();
  private final RowReader reader = RowReader.json();
  private final RawRow row = new RawRow();
  private final Object batchSentAt;
  private final boolean sharedHasZone;
  private final Object sharedZone;
  private final long receivedAt;

  /** {@code shared}: the batch's own {@code context}, merged under each message's; null when it has none. */
  TrackReader(Object batchSentAt, JsonObject shared, long receivedAt) {
    this.batchSentAt = batchSentAt;
    this.sharedHasZone = shared != null && shared.containsKey("timezone");
    this.sharedZone = shared == null ? null : shared.getValue("timezone");
    this.receivedAt = receivedAt;
  }

  /** The message's event and contact, or null when the general reading has to read it. */
  SegmentApi.Parsed read(byte[] bytes, int offset, int length) {
    try {
      reader.read(bytes, offset, length, row);
      if (!"track".equals(row.get("type"))) return null;
      String user = SegmentApi.id(row.get("userId"));
      if (user == null || !(row.get("event") instanceof String event) || event.isEmpty()) return null;
      String contact = Fields.text("userId", user, EventRow.MAX_ID);
      String name = Fields.text("event", event, EventRow.MAX_ID);
      Object properties = row.get("properties");
      String metadata = null;
      if (properties instanceof RawRow.Json json && json.isObject()) {
        // the text escapes a NUL as \u0000; anything that looks like one is judged by the general reading
        if (json.text().contains("\\u0000")) return null;
        if (!json.text().equals("{}")) metadata = json.text();
      } else if (properties != null) {
        return null;
      }
      Object messageId = row.get("messageId");
      if (messageId instanceof RawRow.Json) return null;
      String instance = messageId == null ? null : Fields.text("messageId", String.valueOf(messageId), EventRow.MAX_ID);
      Object zone = sharedHasZone ? sharedZone : null;
      if (row.get("context") instanceof RawRow.Json context && context.isObject() && context.text().contains("\"timezone\"")) {
        Object own = zoneOf(context.text());
        if (own != ABSENT) zone = own;
      }
      if (zone != null && !(zone instanceof String z && SegmentApi.ZONES.contains(z))) return null;
      long time = SegmentApi.time(row.get("timestamp"), row.get("originalTimestamp"), row.get("sentAt"), batchSentAt, receivedAt);
      EventRow e = new EventRow(contact, time, name, instance, (String) zone, metadata);
      return new SegmentApi.Parsed(e, new ContactUpsert(contact, null, new JsonObject(), new JsonObject()), null);
    } catch (RowException e) {
      return null;
    }
  }

  /**
   * The {@code timezone} member of a context's compact text: a string, null, {@code Boolean.FALSE} for another
   * value, or {@link #ABSENT}.
   */
  private static Object zoneOf(String context) {
    try (JsonParser p = RowReader.JSON.createParser(context)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("timezone")) {
          return t == JsonToken.VALUE_STRING ? p.getText() : t == JsonToken.VALUE_NULL ? null : Boolean.FALSE;
        }
        p.skipChildren();
      }
      return ABSENT;
    } catch (IOException e) {
      return Boolean.FALSE;
    }
  }
}
