package dev.shiftlens.contact;

import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Contacts in PostgreSQL. Non-blocking: runs on the caller's event loop through the reactive client. */
public final class ContactRepository {
  private static final String LOCK = SqlFiles.postgres("contact_lock");
  private static final String UPSERT = SqlFiles.postgres("contact_upsert");
  private static final String GET = SqlFiles.postgres("contact_get");
  private static final String CREATE_MISSING = SqlFiles.postgres("contact_create_missing");

  private final Pool pool;

  public ContactRepository(Pool pool) {
    this.pool = pool;
  }

  /** Creates the contacts of these ids that do not exist, with an unknown country; one statement, no locks. */
  public Future<Void> createMissing(java.util.Collection<String> contactIds) {
    if (contactIds.isEmpty()) return Future.succeededFuture();
    return pool.preparedQuery(CREATE_MISSING).execute(Tuple.of(contactIds.toArray(String[]::new))).mapEmpty();
  }

  /** Merges the rows (one per contact id) in one transaction; returns the ids that were created or changed. */
  public Future<Set<String>> upsert(List<ContactUpsert> rows) {
    if (rows.isEmpty()) return Future.succeededFuture(Set.of());
    String[] ids = new String[rows.size()], countries = new String[rows.size()];
    String[] reach = new String[rows.size()], props = new String[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      ContactUpsert r = rows.get(i);
      ids[i] = r.contactId();
      countries[i] = r.country();
      reach[i] = r.reach().encode();
      props[i] = r.properties().encode();
    }
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(ids))
        .compose(locked -> conn.preparedQuery(UPSERT).execute(Tuple.of(ids, countries, reach, props)))
        .map(changed -> {
          Set<String> out = new HashSet<>();
          changed.forEach(row -> out.add(row.getString(0)));
          return out;
        }));
  }

  /** The contact as the API shows it, or null. */
  public Future<JsonObject> get(String contactId) {
    return pool.preparedQuery(GET).execute(Tuple.of(contactId))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  private static JsonObject toJson(Row row) {
    JsonObject out = new JsonObject()
        .put("contact_id", row.getString("contact_id"))
        .put("country", row.getString("country"));
    for (String field : List.of("push_token", "phone_number", "email_address", "timezone")) {
      String v = row.getString(field);
      if (v != null) out.put(field, v);
    }
    Object props = row.getValue("properties");
    out.put("properties", props instanceof JsonObject j ? j : new JsonObject());
    OffsetDateTime updated = row.getOffsetDateTime("updated_at");
    out.put("updated_at", updated.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString());
    return out;
  }
}
