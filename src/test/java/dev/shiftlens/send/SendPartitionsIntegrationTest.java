package dev.shiftlens.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sends partitioned by month (migration 009) against the real PostgreSQL: the migration keeps the rows of a
 * database made before it, send_id stays unique across months, months are made ahead, a month without a
 * partition goes to the default one, and the retention drops whole months.
 */
class SendPartitionsIntegrationTest {
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy_MM").withZone(ZoneOffset.UTC);
  private static TestServer server;
  private static Vertx vertx;
  private static Pool pool;

  /** A database at migration 008 with two sends in it, then a server started on it, which applies 009. */
  @BeforeAll
  static void start() {
    String database = TestStores.freshDatabaseName();
    TestStores.postgres("postgres", "CREATE DATABASE " + database);
    TestStores.postgres(database, "CREATE TABLE schema_migrations ("
        + "version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    for (String file : SqlFiles.migrations("postgres")) {
      int version = Integer.parseInt(file.substring(0, 3));
      if (version >= 9) continue;
      TestStores.postgres(database, SqlFiles.migration("postgres", file));
      TestStores.postgres(database, "INSERT INTO schema_migrations (version, name) VALUES (" + version + ", '" + file + "')");
    }
    TestStores.postgres(database, "INSERT INTO sends (send_id, contact_id, message_id, channel, sent_at, window_hours,"
        + " window_end, status, evaluated_at, effects) VALUES"
        + " ('old', 'c1', 'm', 'push', '2025-03-05T10:00:00Z', 24, '2025-03-06T10:00:00Z', 'evaluated', '2025-03-06T12:00:00Z',"
        + " '[{\"event_name\":\"*\",\"verdict\":\"none\"}]'),"
        + " ('recent', 'c2', 'm', 'email', now() - interval '1 hour', 24, now() + interval '23 hours', 'pending', null, null)");
    server = TestServer.startOn(database, Map.of());
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(TestStores.PG_SERVER + "/" + database)).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    pool.close();
    vertx.close();
    server.close();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static List<String> sql(String query) {
    return TestStores.postgres(server.database, query);
  }

  private static JsonObject post(String sendId, Instant sentAt) {
    var r = server.post("/v1/sends", "application/json", "[{\"send_id\":\"" + sendId + "\",\"contact_id\":\"c9\","
        + "\"message_id\":\"m\",\"channel\":\"push\",\"sent_at\":\"" + sentAt + "\",\"window_hours\":2}]");
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  void theMigrationKeepsTheSendsOfTheOldTableWithTheirStateInTheirMonths() {
    assertEquals(List.of("p"), sql("SELECT relkind::text FROM pg_class WHERE relname = 'sends'"), "sends is partitioned");
    assertEquals(List.of("sends_2025_03:evaluated:[{\"event_name\":\"*\",\"verdict\":\"none\"}]"),
        sql("SELECT tableoid::regclass || ':' || status || ':' || effects FROM sends WHERE send_id = 'old'"));
    assertEquals(List.of("sends_" + MONTH.format(Instant.now().minus(1, ChronoUnit.HOURS)) + ":pending"),
        sql("SELECT tableoid::regclass || ':' || status FROM sends WHERE send_id = 'recent'"));
    assertEquals(List.of("true", "true"), sql("SELECT EXISTS (SELECT 1 FROM send_ids WHERE send_id = s) FROM unnest(ARRAY['old', 'recent']) s"));
    assertEquals(List.of("0"), sql("SELECT count(*) FROM pg_class WHERE relname = 'sends_unpartitioned'"));
  }

  @Test
  void thisMonthAndTheNextThreeHavePartitionsAndTheRestGoesToTheDefaultOneUntilItsMonthIsMade() throws Exception {
    Instant now = Instant.now();
    for (int ahead = 0; ahead <= SendPartitions.MONTHS_AHEAD; ahead++) {
      String month = MONTH.format(now.atZone(ZoneOffset.UTC).plusMonths(ahead).withDayOfMonth(1).toInstant());
      assertEquals(List.of("1"), sql("SELECT count(*) FROM pg_inherits WHERE inhrelid = to_regclass('sends_" + month + "')"), month);
    }
    // A backfill of a month long past, which has no partition.
    assertEquals(1, post("backfilled", Instant.parse("2019-07-04T09:00:00Z")).getLong("accepted"), "stored all the same");
    assertEquals(List.of("sends_default"), sql("SELECT tableoid::regclass::text FROM sends WHERE send_id = 'backfilled'"));
    // The next round of the periodic task makes its month and moves it there.
    await(new SendPartitions(vertx, pool, 0).maintain());
    assertEquals(List.of("sends_2019_07"), sql("SELECT tableoid::regclass::text FROM sends WHERE send_id = 'backfilled'"));
    assertEquals(List.of("false"), sql("SELECT sends_add_month('2019-07-01')"), "a month is made once");
  }

  @Test
  void everyTableHasAPrimaryKeyAsLogicalReplicationNeeds() {
    assertEquals(List.of(), sql("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p') ORDER BY 1"));
  }

  @Test
  void aRetriedSendIsStoredOnceAndItsIdAtAnotherTimeIsADuplicateAsBefore() {
    Instant sentAt = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    JsonObject first = post("retried", sentAt);
    assertEquals(1, first.getLong("accepted"), first.encode());
    JsonObject retry = post("retried", sentAt);
    assertEquals(0, retry.getLong("accepted"), retry.encode());
    assertEquals(1, retry.getLong("duplicates"), retry.encode());
    // The same id at a time of another month would go to another partition: still a duplicate, the first write wins.
    JsonObject moved = post("retried", sentAt.minus(62, ChronoUnit.DAYS));
    assertEquals(0, moved.getLong("accepted"), moved.encode());
    assertEquals(1, moved.getLong("duplicates"), moved.encode());
    assertEquals(List.of(sentAt.toString()),
        sql("SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM sends WHERE send_id = 'retried'"));
    // An old send kept from before the migration is a duplicate too.
    JsonObject old = post("old", sentAt);
    assertEquals(1, old.getLong("duplicates"), old.encode());
    assertEquals(List.of("1"), sql("SELECT count(*) FROM sends WHERE send_id = 'old'"));
  }

  @Test
  void theRetentionDropsWholeMonthsOlderThanItAndNothingWithout() throws Exception {
    assertEquals(List.of("true"), sql("SELECT sends_add_month('2020-01-01')"));
    assertEquals(1, post("expired", Instant.parse("2020-01-31T23:00:00Z")).getLong("accepted"));
    Instant young = Instant.now().minus(1, ChronoUnit.HOURS);
    assertEquals(1, post("young", young).getLong("accepted"));

    assertEquals(List.of(), await(new SendPartitions(vertx, pool, 0).maintain()), "no retention: nothing dropped");
    assertEquals(List.of("1"), sql("SELECT count(*) FROM sends WHERE send_id = 'expired'"));

    // Two years: the month of 2020 goes, the one of the send kept from before the migration (2025-03) stays.
    List<String> dropped = await(new SendPartitions(vertx, pool, 24).maintain());
    assertTrue(dropped.contains("sends_2020_01"), dropped.toString());
    assertTrue(dropped.stream().allMatch(p -> p.compareTo("sends_" + MONTH.format(Instant.now().minus(730, ChronoUnit.DAYS))) < 0),
        "only months older than two years: " + dropped);
    assertEquals(List.of("1"), sql("SELECT count(*) FROM pg_class WHERE relname = 'sends_2025_03'"));
    assertEquals(List.of("0"), sql("SELECT count(*) FROM pg_class WHERE relname = 'sends_2020_01'"));
    assertEquals(List.of("0"), sql("SELECT count(*) FROM sends WHERE send_id = 'expired'"));
    assertEquals(List.of("1"), sql("SELECT count(*) FROM sends WHERE send_id = 'young'"));
    assertEquals(List.of("1"), sql("SELECT count(*) FROM pg_class WHERE relname = 'sends_default'"), "the default partition stays");
    // A late resend of a dropped send is still known by its id: not stored and evaluated a second time.
    assertEquals(1, post("expired", Instant.parse("2020-01-31T23:00:00Z")).getLong("duplicates"));
  }
}
