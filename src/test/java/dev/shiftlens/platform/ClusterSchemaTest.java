package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSchemaTest {
  private final ClusterSchema schema = new ClusterSchema("shiftlens", "db", Set.of("events", "event_hourly", "send_effects"), Set.of("events"));

  @Test
  void aTableBecomesAReplicatedLocalTableAndADistributedTableShardedByContact() {
    List<String> out = schema.statements("""
        CREATE TABLE IF NOT EXISTS send_effects (
          send_id String,
          contact_id String,
          version UInt64
        ) ENGINE = ReplacingMergeTree(version)
        PARTITION BY toYYYYMM(sent_at)
        ORDER BY (message_id, send_id)""");
    assertEquals(2, out.size());
    assertTrue(out.get(0).startsWith("CREATE TABLE IF NOT EXISTS db.send_effects_local ON CLUSTER shiftlens ("), out.get(0));
    assertTrue(out.get(0).contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/shiftlens/tables/{shard}/db/send_effects_local', '{replica}', version)"
        + "\nPARTITION BY toYYYYMM(sent_at)\nORDER BY (message_id, send_id)"), out.get(0));
    assertEquals("CREATE TABLE IF NOT EXISTS db.send_effects ON CLUSTER shiftlens AS db.send_effects_local"
        + " ENGINE = Distributed(shiftlens, db, send_effects_local, cityHash64(contact_id))", out.get(1));
  }

  @Test
  void anEngineWithoutArgumentsGetsOnlyThePathAndReplica() {
    String local = schema.statements("CREATE TABLE IF NOT EXISTS events (\n  contact_id String,\n  ts DateTime\n) ENGINE = MergeTree\nORDER BY (contact_id, ts)").get(0);
    assertTrue(local.contains("ENGINE = ReplicatedMergeTree('/clickhouse/shiftlens/tables/{shard}/db/events_local', '{replica}')\nORDER BY (contact_id, ts)"), local);
  }

  @Test
  void aTableThatViewsReadIsWrittenThroughANullInputTableThatFeedsItAndTheViews() {
    List<String> out = schema.statements("CREATE TABLE IF NOT EXISTS events (\n  contact_id String\n) ENGINE = MergeTree ORDER BY contact_id");
    assertEquals(List.of(
        "CREATE TABLE IF NOT EXISTS db.events_input_local ON CLUSTER shiftlens AS db.events_local ENGINE = Null",
        "CREATE TABLE IF NOT EXISTS db.events_input ON CLUSTER shiftlens AS db.events_local"
            + " ENGINE = Distributed(shiftlens, db, events_input_local, cityHash64(contact_id))",
        "CREATE MATERIALIZED VIEW IF NOT EXISTS db.events_input_mv ON CLUSTER shiftlens TO db.events_local AS SELECT * FROM db.events_input_local"),
        out.subList(2, 5));
    assertEquals("events_input", schema.insertTable("events"));
    assertEquals("send_effects", schema.insertTable("send_effects"));
  }

  @Test
  void aMaterializedViewReadsAndWritesLocalTables() {
    assertEquals(List.of("CREATE MATERIALIZED VIEW IF NOT EXISTS db.event_hourly_mv ON CLUSTER shiftlens TO db.event_hourly_local AS "
            + "SELECT contact_id, count() AS n\nFROM db.events_input_local\nGROUP BY contact_id"),
        schema.statements("CREATE MATERIALIZED VIEW IF NOT EXISTS event_hourly_mv TO event_hourly AS SELECT contact_id, count() AS n\nFROM events\nGROUP BY contact_id"));
  }

  @Test
  void aBackfillRunsThroughTheDistributedTablesAsWritten() {
    String backfill = "INSERT INTO event_hourly\nSELECT contact_id FROM events";
    assertEquals(List.of(backfill), schema.statements(backfill));
  }

  @Test
  void aColumnChangeAltersBothTablesAndOtherChangesOnlyTheLocalOne() {
    assertEquals(List.of("ALTER TABLE db.events_local ON CLUSTER shiftlens ADD COLUMN x UInt8",
            "ALTER TABLE db.events ON CLUSTER shiftlens ADD COLUMN x UInt8"),
        schema.statements("ALTER TABLE events ADD COLUMN x UInt8"));
    assertEquals(List.of("ALTER TABLE db.events_local ON CLUSTER shiftlens DELETE WHERE 1"), schema.statements("ALTER TABLE events DELETE WHERE 1"));
  }

  @Test
  void aStatementWithoutAClusterFormOrATableWithoutAContactFailsTheMigration() {
    assertThrows(IllegalStateException.class, () -> schema.statements("DROP TABLE events"));
    assertThrows(IllegalStateException.class, () -> schema.statements("CREATE TABLE IF NOT EXISTS keys (k String) ENGINE = MergeTree ORDER BY k"));
  }

  @Test
  void theViewToTheLocalTableIsFedAfterTheMigrationsViewsOfTheSameInput() {
    // ClickHouse runs a table's views in the order of their names: events_local last, so that an event in
    // `events` implies its rows in the derived tables (see ClusterSchema).
    List<String> views = new java.util.ArrayList<>();
    ClusterSchema shipped = ClusterSchema.of("shiftlens", "db");
    for (String file : SqlFiles.migrations("clickhouse")) {
      for (String statement : Migrations.statements(SqlFiles.migration("clickhouse", file))) {
        for (String out : shipped.statements(statement)) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("MATERIALIZED VIEW IF NOT EXISTS db\\.(\\w+) .* FROM db\\.events_input_local")
              .matcher(out.replace('\n', ' '));
          if (m.find()) views.add(m.group(1));
        }
      }
    }
    assertTrue(views.contains("events_input_mv") && views.size() > 1, views.toString());
    assertEquals("events_input_mv", views.stream().sorted().reduce((a, b) -> b).orElseThrow(), views.toString());
  }

  @Test
  void everyShippedMigrationHasAClusterForm() {
    List<String> texts = SqlFiles.migrations("clickhouse").stream().map(f -> SqlFiles.migration("clickhouse", f)).toList();
    Set<String> tables = ClusterSchema.tablesOf(texts);
    assertEquals(Set.of("events", "event_hourly", "send_effects", "events_by_name"), tables);
    assertEquals(Set.of("events"), ClusterSchema.viewSourcesOf(texts, tables));
    ClusterSchema shipped = ClusterSchema.of("shiftlens", "shiftlens");
    for (String text : texts) {
      for (String statement : Migrations.statements(text)) assertTrue(!shipped.statements(statement).isEmpty());
    }
  }
}
