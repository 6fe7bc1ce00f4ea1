package dev.shiftlens.ingest;

import dev.shiftlens.platform.Config;
import dev.shiftlens.send.NewSend;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Validates a message-send row and fills in what the API derives: the send id and the response window. */
final class SendRows {
  private SendRows() {}

  static NewSend from(RawRow row, long now, Config.Windows windows) throws RowException {
    String contactId = Fields.requiredId(row, "contact_id", EventRow.MAX_ID);
    String messageId = Fields.requiredId(row, "message_id", EventRow.MAX_ID);
    String channel = Fields.requiredId(row, "channel", 64);
    long sentAt = Fields.time(row, "sent_at", now);
    String sendId = Fields.optionalId(row, "send_id", EventRow.MAX_ID);
    if (sendId == null) sendId = derivedId(contactId, messageId, sentAt);
    JsonObject labels = labels(row);
    boolean holdout = Fields.bool(row, "holdout", false);
    Double window = Fields.number(row, "window_hours");
    if (window != null && !(window > 0 && window <= 168)) {
      throw new RowException("window_hours", "must be in (0, 168], got " + window);
    }
    return new NewSend(sendId, contactId, messageId, channel, sentAt, labels, holdout,
        window == null ? windows.hoursFor(channel) : window);
  }

  /** The same contact, message and time always give the same id, so resending a send without an id is safe. */
  static String derivedId(String contactId, String messageId, long sentAtMillis) {
    String identity = contactId + '\u0000' + messageId + '\u0000' + sentAtMillis;
    return "d-" + EventKey.hash(identity.getBytes(StandardCharsets.UTF_8)).hex();
  }

  private static JsonObject labels(RawRow row) throws RowException {
    String text = Fields.jsonObject(row, "labels");
    if (text == null) return new JsonObject();
    JsonObject labels = new JsonObject(text);
    for (String key : labels.fieldNames()) {
      if (!(labels.getValue(key) instanceof String value)) throw new RowException("labels." + key, "must be a string");
      Fields.text("labels." + key, value, 1024);
      Fields.text("labels", key, 128);
      if (key.isEmpty() || key.length() > 128) throw new RowException("labels", "keys must be 1-128 characters");
    }
    return labels;
  }
}
