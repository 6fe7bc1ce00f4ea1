package dev.shiftlens.send;

import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Message sends in PostgreSQL, where they also form the evaluation queue. Non-blocking. */
public final class SendRepository {
  private static final String INSERT = SqlFiles.postgres("send_insert");
  private static final String GET = SqlFiles.postgres("send_get");
  private static final String LIST = SqlFiles.postgres("send_list");

  private final Pool pool;

  public SendRepository(Pool pool) {
    this.pool = pool;
  }

  /** Inserts the sends that are new (by send_id); returns their ids. */
  public Future<Set<String>> insert(List<NewSend> sends) {
    if (sends.isEmpty()) return Future.succeededFuture(Set.of());
    int n = sends.size();
    String[] ids = new String[n], contacts = new String[n], messages = new String[n], channels = new String[n], labels = new String[n];
    OffsetDateTime[] sentAt = new OffsetDateTime[n];
    Boolean[] holdout = new Boolean[n];
    Double[] window = new Double[n];
    for (int i = 0; i < n; i++) {
      NewSend s = sends.get(i);
      ids[i] = s.sendId();
      contacts[i] = s.contactId();
      messages[i] = s.messageId();
      channels[i] = s.channel();
      sentAt[i] = OffsetDateTime.ofInstant(Instant.ofEpochMilli(s.sentAtMillis()), ZoneOffset.UTC);
      labels[i] = s.labels().encode();
      holdout[i] = s.holdout();
      window[i] = s.windowHours();
    }
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(ids, contacts, messages, channels, sentAt, labels, holdout, window))
        .map(rows -> {
          Set<String> inserted = new HashSet<>();
          rows.forEach(row -> inserted.add(row.getString(0)));
          return inserted;
        });
  }

  /** The send as {@code GET /v1/sends/{id}} shows it, or null. */
  public Future<JsonObject> get(String sendId) {
    return pool.preparedQuery(GET).execute(Tuple.of(sendId))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** One page of sends as {@code GET /v1/sends} shows it: {@code items} and {@code next_cursor} (null on the last page). */
  Future<JsonObject> list(SendListQuery q) {
    SendCursor after = q.after();
    Tuple params = Tuple.of(q.contactId(), q.messageId(), q.status(), q.from(), q.to(),
        after == null ? null : after.sentAt(), after == null ? null : after.sendId())
        .addInteger(q.limit() + 1); // one more than asked: whether a next page exists
    return pool.preparedQuery(LIST).execute(params).map(rows -> {
      JsonArray items = new JsonArray();
      Row last = null;
      boolean more = false;
      for (Row row : rows) {
        if (items.size() == q.limit()) {
          more = true;
          break;
        }
        items.add(toJson(row));
        last = row;
      }
      String next = more ? SendCursor.after(last.getOffsetDateTime("sent_at"), last.getString("send_id")).encode() : null;
      return new JsonObject().put("items", items).put("next_cursor", next);
    });
  }

  /** The send as the API shows it, from a row with the columns of {@code send_get}. */
  public static JsonObject toJson(Row row) {
    Object labels = row.getValue("labels");
    Object effects = row.getValue("effects");
    Object baseline = row.getValue("baseline");
    OffsetDateTime evaluated = row.getOffsetDateTime("evaluated_at");
    return new JsonObject()
        .put("send_id", row.getString("send_id"))
        .put("contact_id", row.getString("contact_id"))
        .put("message_id", row.getString("message_id"))
        .put("channel", row.getString("channel"))
        .put("labels", labels instanceof JsonObject j ? j : new JsonObject())
        .put("holdout", row.getBoolean("holdout"))
        .put("sent_at", utc(row.getOffsetDateTime("sent_at")))
        .put("window_hours", row.getDouble("window_hours"))
        .put("window_end", utc(row.getOffsetDateTime("window_end")))
        .put("status", row.getString("status"))
        .put("evaluated_at", evaluated == null ? null : utc(evaluated))
        .put("effects", effects instanceof JsonArray a ? a : new JsonArray())
        .put("overlaps_send_id", row.getString("overlaps_send_id"))
        .put("baseline", baseline instanceof JsonObject b ? b : null);
  }

  private static String utc(OffsetDateTime t) {
    return t.toInstant().toString();
  }
}
