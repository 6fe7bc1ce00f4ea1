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
  private static final String BASELINE = SqlFiles.postgres("contactview_baseline");
  private static final String PREFERENCES = SqlFiles.postgres("contactview_preferences");
  private static final String KNOWN = SqlFiles.postgres("contactview_known");

  /** A contact's own timezone (or null) and reach fields (null when absent). */
  record Contact(String timezone, String pushToken, String phoneNumber, String emailAddress) {}

  /**
   * One evaluated, delivered send: its options and its all-events counts as stored; {@code zone} may be null.
   *
   * @param observed the observed count of its {@code "*"} effect, reward-weighted
   * @param expected the expected count of its {@code "*"} effect, reward-weighted
   * @param eventsExpected the unweighted sum of the expected counts of its per-name effects (the names the
   *     send shows: every effect but {@code "*"}), 0 without any
   */
  record EvaluatedSend(String channel, JsonObject labels, Instant sentAt, String zone, double observed, double expected,
      double eventsExpected) {
    /**
     * Whether the send says anything about a lift: only with positive {@code "*"} and per-name expected
     * counts has it a reward per expected event to put its counts in event units.
     */
    boolean informative() {
      return expected > 0 && eventsExpected > 0 && Double.isFinite(eventsExpected);
    }

    /**
     * The {@code "*"} observed count in event units: divided by the send's reward per expected event
     * {@code u = expected / eventsExpected}, so that it does not depend on the units of the rewards; 0 for
     * a send that is not {@link #informative()}.
     */
    double observedEvents() {
      return informative() ? observed * eventsExpected / expected : 0;
    }

    /** The {@code "*"} expected count in event units ({@code expected / u}, that is {@code eventsExpected}); 0 for a send that is not {@link #informative()}. */
    double expectedEvents() {
      return informative() ? eventsExpected : 0;
    }
  }

  /** @param contact null when the contact has no row */
  record BaselineRows(Contact contact, List<Baseline.Span> windows) {}

  /** @param contact null when the contact has no row */
  record PreferenceRows(Contact contact, List<EvaluatedSend> sends) {}

  private final Pool pool;

  ContactViewStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The contact's row and the windows of its delivered sends that end after {@code fromMillis} and went
   * out before {@code toMillis}.
   */
  Future<BaselineRows> baseline(String contactId, long fromMillis, long toMillis) {
    return pool.preparedQuery(BASELINE).execute(Tuple.of(contactId, time(fromMillis), time(toMillis))).map(rows -> {
      Row r = rows.iterator().next();
      OffsetDateTime[] sent = r.getArrayOfOffsetDateTimes("sent_at");
      OffsetDateTime[] end = r.getArrayOfOffsetDateTimes("window_end");
      List<Baseline.Span> windows = new ArrayList<>(sent.length);
      for (int i = 0; i < sent.length; i++) {
        windows.add(new Baseline.Span(sent[i].toInstant().toEpochMilli(), end[i].toInstant().toEpochMilli()));
      }
      return new BaselineRows(r.getBoolean("has_row") ? new Contact(r.getString("timezone"), null, null, null) : null, windows);
    });
  }

  /**
   * The contact's row and its latest {@code limit} evaluated, delivered sends with an all-events effect, with
   * the unweighted sum of the expected counts of the names each shows, which {@link EvaluatedSend} puts the
   * {@code "*"} counts in event units with.
   */
  Future<PreferenceRows> preferences(String contactId, int limit) {
    return pool.preparedQuery(PREFERENCES).execute(Tuple.of(contactId, limit)).map(rows -> {
      Contact contact = null;
      List<EvaluatedSend> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        if (contact == null && r.getBoolean("has_row")) {
          contact = new Contact(r.getString("timezone"), r.getString("push_token"), r.getString("phone_number"),
              r.getString("email_address"));
        }
        Double observed = r.getDouble("observed"), expected = r.getDouble("expected"), events = r.getDouble("events_expected");
        // Counts that are not numbers are skipped; a send without per-name counts, or with "*" expected at or
        // below 0, stays: one more send of its options, with nothing observed or expected (informative()).
        if (observed == null || expected == null || !Double.isFinite(observed) || !Double.isFinite(expected)) continue;
        Object labels = r.getValue("labels");
        out.add(new EvaluatedSend(r.getString("channel"), labels instanceof JsonObject j ? j : new JsonObject(),
            r.getOffsetDateTime("sent_at").toInstant(), r.getString("zone"), observed, expected,
            events == null ? 0 : events));
      }
      return new PreferenceRows(contact, out);
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
