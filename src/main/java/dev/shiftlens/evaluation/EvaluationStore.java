package dev.shiftlens.evaluation;

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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The evaluation queue and its results in PostgreSQL. Non-blocking. */
final class EvaluationStore {
  private static final String MARK_DUE = SqlFiles.postgres("evaluation_mark_due");
  private static final String CLAIM = SqlFiles.postgres("evaluation_claim");
  /** Sends marked due by one statement at most. */
  private static final int MARK_LIMIT = 50_000;
  private static final String CONTACT_SENDS = SqlFiles.postgres("evaluation_contact_sends");
  private static final String CONTACT_ZONES = SqlFiles.postgres("evaluation_contact_zones");
  private static final String FINISH = SqlFiles.postgres("evaluation_finish");
  private static final String RELEASE = SqlFiles.postgres("evaluation_release");
  private static final String SENT_CONTACTS = SqlFiles.postgres("population_sent_contacts");

  /** What one send's evaluation stores. */
  record Outcome(String sendId, String status, String effects, String baseline, String overlapsSendId) {}

  private final Pool pool;

  EvaluationStore(Pool pool) {
    this.pool = pool;
  }

  /** Marks the sends whose window and grace have passed as due, then claims up to {@code limit} of them under {@code token} for {@code leaseSeconds}. */
  Future<List<ClaimedSend>> claim(int graceMinutes, int limit, int leaseSeconds, UUID token) {
    return pool.preparedQuery(MARK_DUE).execute(Tuple.of(graceMinutes, MARK_LIMIT))
        .compose(marked -> pool.preparedQuery(CLAIM).execute(Tuple.of(limit, leaseSeconds, token)))
        .map(rows -> {
          List<ClaimedSend> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            Object labels = r.getValue("labels");
            out.add(new ClaimedSend(r.getString("send_id"), r.getString("contact_id"), r.getString("message_id"),
                r.getString("channel"), labels instanceof JsonObject j ? j : new JsonObject(), r.getBoolean("holdout"),
                r.getOffsetDateTime("sent_at").toInstant(), r.getDouble("window_hours"),
                r.getOffsetDateTime("window_end").toInstant()));
          }
          return out;
        });
  }

  /** Up to {@code limit} of the contacts sent to in {@code [fromMillis, toMillis)}, the same sample on every call. */
  Future<List<String>> sentContacts(long fromMillis, long toMillis, int limit) {
    return pool.preparedQuery(SENT_CONTACTS).execute(Tuple.of(time(fromMillis), time(toMillis), limit)).map(rows -> {
      List<String> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  /** Per contact, its sends whose windows end after {@code fromMillis} and that went out by {@code toMillis}. */
  Future<Map<String, List<SendEvaluator.Send>>> contactSends(Collection<String> contactIds, long fromMillis, long toMillis) {
    return pool.preparedQuery(CONTACT_SENDS)
        .execute(Tuple.of(contactIds.toArray(String[]::new), time(fromMillis), time(toMillis)))
        .map(rows -> {
          Map<String, List<SendEvaluator.Send>> out = new HashMap<>();
          for (Row r : rows) {
            out.computeIfAbsent(r.getString("contact_id"), c -> new ArrayList<>()).add(new SendEvaluator.Send(
                r.getString("send_id"), r.getString("contact_id"), r.getOffsetDateTime("sent_at").toInstant().toEpochMilli(),
                r.getOffsetDateTime("window_end").toInstant().toEpochMilli(), r.getBoolean("holdout")));
          }
          return out;
        });
  }

  /** The timezones of those of the contacts that have one. */
  Future<Map<String, String>> contactZones(Collection<String> contactIds) {
    return pool.preparedQuery(CONTACT_ZONES).execute(Tuple.of((Object) contactIds.toArray(String[]::new))).map(rows -> {
      Map<String, String> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
      return out;
    });
  }

  /** Stores the outcomes of sends claimed under {@code token}; returns the rows stored (claims lost meanwhile are skipped). */
  Future<List<Row>> finish(List<Outcome> outcomes, UUID token, Instant evaluatedAt) {
    int n = outcomes.size();
    String[] ids = new String[n], status = new String[n], effects = new String[n], baseline = new String[n], overlaps = new String[n];
    for (int i = 0; i < n; i++) {
      Outcome o = outcomes.get(i);
      ids[i] = o.sendId();
      status[i] = o.status();
      effects[i] = o.effects();
      baseline[i] = o.baseline();
      overlaps[i] = o.overlapsSendId();
    }
    return pool.preparedQuery(FINISH)
        .execute(Tuple.of(ids, status, effects, baseline, overlaps, token, OffsetDateTime.ofInstant(evaluatedAt, ZoneOffset.UTC)))
        .map(rows -> {
          List<Row> out = new ArrayList<>(rows.size());
          rows.forEach(out::add);
          return out;
        });
  }

  /** Lets the sends of a failed claim be claimed again after {@code delaySeconds}. */
  Future<Void> release(UUID token, int delaySeconds) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(token, delaySeconds)).mapEmpty();
  }

  private static OffsetDateTime time(long millis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }
}
