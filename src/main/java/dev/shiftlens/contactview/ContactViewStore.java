package dev.shiftlens.contactview;

import dev.shiftlens.baseline.Baseline;
import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** What the views read from PostgreSQL. Non-blocking. */
final class ContactViewStore {
  private static final String CONTACT = SqlFiles.postgres("contactview_contact");
  private static final String DELIVERED = SqlFiles.postgres("contactview_delivered_sends");
  private static final String EVALUATED = SqlFiles.postgres("contactview_evaluated_sends");
  private static final String KNOWN = SqlFiles.postgres("contactview_known");

  /** A contact's own timezone (or null) and reach fields (null when absent). */
  record Contact(String timezone, String pushToken, String phoneNumber, String emailAddress) {}

  /** One evaluated, delivered send: its options and its all-events counts; {@code zone} may be null. */
  record EvaluatedSend(String channel, JsonObject labels, Instant sentAt, String zone, double observed, double expected) {}

  private final Pool pool;

  ContactViewStore(Pool pool) {
    this.pool = pool;
  }

  /** The contact's row, or null when it has none. */
  Future<Contact> contact(String contactId) {
    return pool.preparedQuery(CONTACT).execute(Tuple.of(contactId)).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      return new Contact(r.getString(0), r.getString(1), r.getString(2), r.getString(3));
    });
  }

  /** The windows of the contact's delivered sends that end after {@code fromMillis} and went out before {@code toMillis}. */
  Future<List<Baseline.Span>> deliveredWindows(String contactId, long fromMillis, long toMillis) {
    return pool.preparedQuery(DELIVERED).execute(Tuple.of(contactId, time(fromMillis), time(toMillis))).map(rows -> {
      List<Baseline.Span> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new Baseline.Span(r.getOffsetDateTime(0).toInstant().toEpochMilli(), r.getOffsetDateTime(1).toInstant().toEpochMilli()));
      }
      return out;
    });
  }

  /** The contact's latest {@code limit} evaluated, delivered sends with an all-events effect. */
  Future<List<EvaluatedSend>> evaluatedSends(String contactId, int limit) {
    return pool.preparedQuery(EVALUATED).execute(Tuple.of(contactId, limit)).map(rows -> {
      List<EvaluatedSend> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        Double observed = r.getDouble("observed"), expected = r.getDouble("expected");
        if (observed == null || expected == null || !Double.isFinite(observed) || !(expected >= 0)) continue;
        Object labels = r.getValue("labels");
        out.add(new EvaluatedSend(r.getString("channel"), labels instanceof JsonObject j ? j : new JsonObject(),
            r.getOffsetDateTime("sent_at").toInstant(), r.getString("timezone"), observed, expected));
      }
      return out;
    });
  }

  /** Whether the contact has a row or any send. */
  Future<Boolean> known(String contactId) {
    return pool.preparedQuery(KNOWN).execute(Tuple.of(contactId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  private static OffsetDateTime time(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
