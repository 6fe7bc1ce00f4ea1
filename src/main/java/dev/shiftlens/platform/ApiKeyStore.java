package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/** API keys in PostgreSQL, kept by the SHA-256 of the key. Non-blocking. */
final class ApiKeyStore {
  private static final String INSERT = SqlFiles.postgres("api_key_insert");
  private static final String LIST = SqlFiles.postgres("api_key_list");
  private static final String REVOKE = SqlFiles.postgres("api_key_revoke");
  private static final String AUTHENTICATE = SqlFiles.postgres("api_key_authenticate");
  private static final String HASHES = SqlFiles.postgres("api_key_hashes");

  private final Pool pool;

  ApiKeyStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores a new key; returns it as listings show it. */
  Future<JsonObject> insert(UUID id, String name, byte[] hash, String prefix, Set<Scope> scopes) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(id, name, Buffer.buffer(hash), prefix, names(scopes)))
        .map(rows -> toJson(rows.iterator().next()));
  }

  /** The keys not revoked, oldest first. */
  Future<List<JsonObject>> list() {
    return pool.preparedQuery(LIST).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(toJson(row)));
      return out;
    });
  }

  /** Revokes a key; returns its hash, or null when there is no such key not yet revoked. */
  Future<byte[]> revoke(UUID id) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer(0).getBytes());
  }

  /** The scopes of the key with this hash, not revoked; empty when there is none. Records its use. */
  Future<Set<Scope>> authenticate(byte[] hash) {
    return pool.preparedQuery(AUTHENTICATE).execute(Tuple.of(Buffer.buffer(hash))).map(rows -> {
      if (rows.size() == 0) return Set.of();
      Set<Scope> scopes = EnumSet.noneOf(Scope.class);
      for (String s : rows.iterator().next().getArrayOfStrings("scopes")) scopes.add(Scope.valueOf(s.toUpperCase(Locale.ROOT)));
      return scopes;
    });
  }

  /** The SHA-256 of every key not revoked, in hexadecimal. */
  Future<Set<String>> hashes() {
    return pool.preparedQuery(HASHES).execute().map(rows -> {
      Set<String> out = new java.util.HashSet<>();
      rows.forEach(row -> out.add(java.util.HexFormat.of().formatHex(row.getBuffer(0).getBytes())));
      return out;
    });
  }

  private static String[] names(Set<Scope> scopes) {
    return scopes.stream().map(Scope::label).toArray(String[]::new);
  }

  private static JsonObject toJson(Row row) {
    OffsetDateTime used = row.getOffsetDateTime("last_used_at");
    return new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("name", row.getString("name"))
        .put("prefix", row.getString("prefix"))
        .put("scopes", new JsonArray(List.of(row.getArrayOfStrings("scopes"))))
        .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("last_used_at", used == null ? null : used.toInstant().toString());
  }
}
