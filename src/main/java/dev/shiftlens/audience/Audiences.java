package dev.shiftlens.audience;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import dev.shiftlens.platform.ClickHouse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Answers audience queries. The property filters select contacts in PostgreSQL, in code point order;
 * each behavior and shift filter gives a set of contact ids from ClickHouse, all queried at once; the
 * contacts of the first list that pass every set are the audience. An audience is drawn from the
 * contacts table: ids that only appear in events or sends are in none. Thread-safe; the combining
 * runs on the request's event loop.
 */
public final class Audiences {
  private static final long DAY_SECONDS = 86_400L;

  private final AudienceStore store;

  public Audiences(Pool pool, ClickHouse clickhouse) {
    this.store = new AudienceStore(pool, clickhouse);
  }

  /** A contact passes when every include set holds it and no exclude set does. */
  private record Condition(Set<String> ids, boolean include) {}

  Future<JsonObject> query(AudienceRequest request) {
    long now = System.currentTimeMillis() / 1000;
    List<Future<Condition>> conditions = new ArrayList<>();
    for (BehaviorFilter b : request.behavior()) {
      if (b.passesAll()) continue;
      long since = since(now, b.withinDays());
      // A range that takes in zero is met by every contact except those with more than max_count events:
      // ClickHouse lists those, as it cannot list contacts that have no events.
      conditions.add(b.includesZero()
          ? store.withEventCount(b.eventName(), since, b.maxCount() + 1, Long.MAX_VALUE).map(ids -> new Condition(ids, false))
          : store.withEventCount(b.eventName(), since, b.minCount(), b.maxCount() == null ? Long.MAX_VALUE : b.maxCount())
              .map(ids -> new Condition(ids, true)));
    }
    for (ShiftFilter s : request.shifts()) {
      conditions.add(store.shifted(s.eventName(), s.verdict(), since(now, s.withinDays())).map(ids -> new Condition(ids, true)));
    }
    Future<List<String>> contacts = store.contacts(request.properties());
    List<Future<?>> reads = new ArrayList<>(conditions);
    reads.add(contacts);
    return Future.all(reads)
        .map(done -> page(select(contacts.result(), conditions.stream().map(Future::result).toList()), request));
  }

  private static long since(long now, Integer withinDays) {
    return withinDays == null ? 0 : Math.max(0, now - withinDays * DAY_SECONDS);
  }

  private static List<String> select(List<String> contacts, List<Condition> conditions) {
    if (conditions.isEmpty()) return contacts;
    List<String> out = new ArrayList<>();
    next:
    for (String id : contacts) {
      for (Condition c : conditions) if (c.ids().contains(id) != c.include()) continue next;
      out.add(id);
    }
    return out;
  }

  private static JsonObject page(List<String> audience, AudienceRequest request) {
    int start = 0;
    if (request.after() != null) {
      String last = request.after().lastContactId();
      int found = Collections.binarySearch(audience, last, AudienceCursor::compare);
      start = found >= 0 ? found + 1 : -found - 1;
    }
    int end = Math.min(audience.size(), start + request.limit());
    List<String> ids = audience.subList(start, end);
    String next = end < audience.size() ? new AudienceCursor(audience.get(end - 1)).encode() : null;
    return new JsonObject()
        .put("count", audience.size())
        .put("contact_ids", new JsonArray(new ArrayList<>(ids)))
        .put("next_cursor", next);
  }
}
