package dev.shiftlens.query;

import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per-message settings in PostgreSQL. Non-blocking: completes on the caller's event loop. */
public final class MessageRepository {
  private static final String PUT = SqlFiles.postgres("message_put");
  private static final String LIST = SqlFiles.postgres("message_list");
  private static final String SHARES = SqlFiles.postgres("message_shares");

  private final Pool pool;

  public MessageRepository(Pool pool) {
    this.pool = pool;
  }

  /** Sets the message's holdout share and returns the message as {@code GET /v1/messages} lists it. */
  Future<JsonObject> put(String messageId, double holdoutShare) {
    return pool.preparedQuery(PUT).execute(Tuple.of(messageId, holdoutShare)).map(rows -> toJson(rows.iterator().next()));
  }

  Future<List<JsonObject>> list() {
    return pool.preparedQuery(LIST).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(toJson(row)));
      return out;
    });
  }

  /** The configured holdout share of each of {@code messageIds} that has one. */
  Future<Map<String, Double>> holdoutShares(Collection<String> messageIds) {
    if (messageIds.isEmpty()) return Future.succeededFuture(Map.of());
    return pool.preparedQuery(SHARES).execute(Tuple.of(messageIds.toArray(new String[0]))).map(rows -> {
      Map<String, Double> shares = new HashMap<>();
      rows.forEach(row -> shares.put(row.getString("message_id"), row.getDouble("holdout_share")));
      return shares;
    });
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("message_id", row.getString("message_id"))
        .put("holdout_share", row.getDouble("holdout_share"))
        .put("updated_at", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
