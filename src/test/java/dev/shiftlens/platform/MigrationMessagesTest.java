package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Start-up says what it migrates: which databases, each migration with what it creates and how long it took, backfills, "up to date". */
class MigrationMessagesTest {
  @Test
  void aFreshStartNamesEachMigrationAndItsBackfillsAndASecondStartIsUpToDate() {
    List<String> said = new CopyOnWriteArrayList<>();
    Handler collect = new Handler() {
      @Override
      public void publish(LogRecord r) {
        said.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger(Migrations.class.getName());
    log.addHandler(collect);
    String database = TestStores.freshDatabaseName();
    try {
      TestServer.startOn(database, Map.of()).stop();
      String all = String.join("\n", said);
      int pg = SqlFiles.migrations("postgres").size();
      int ch = SqlFiles.migrations("clickhouse").size();
      assertTrue(said.contains("creating PostgreSQL database " + database), all);
      assertTrue(said.stream().anyMatch(s -> s.startsWith("PostgreSQL database " + database + " at ")
          && s.endsWith(": " + pg + " of " + pg + " migrations to apply")), all);
      assertTrue(said.stream().anyMatch(s -> s.startsWith("ClickHouse database " + database + " at ")
          && s.endsWith(": " + ch + " of " + ch + " migrations to apply")), all);
      assertTrue(said.stream().anyMatch(s -> s.startsWith("PostgreSQL migration 001 contacts_and_sends: applying (table contacts, index contacts_properties, table sends,")), all);
      assertTrue(said.contains("ClickHouse migration 001 events: applying (table events)"), all);
      assertTrue(said.contains("ClickHouse migration 002 hourly_counts_and_effects: applying (table event_hourly, materialized view event_hourly_mv,"
          + " backfills event_hourly, table send_effects)"), all);
      assertTrue(said.contains("ClickHouse migration 002 hourly_counts_and_effects: backfilling event_hourly from the 0 rows of events"
          + " (INSERT ... SELECT); this reads the whole table and may take a while"), all);
      assertTrue(said.stream().anyMatch(s -> s.matches("ClickHouse migration 003 events_by_name: backfill of events_by_name done in \\d+ ms")), all);
      assertEquals(pg + ch, said.stream().filter(s -> s.matches("(PostgreSQL|ClickHouse) migration \\d{3} \\w+: applied in \\d+ ms")).count(), all);

      said.clear();
      TestServer.startOn(database, Map.of()).stop();
      assertEquals(2, said.size(), String.join("\n", said));
      assertTrue(said.get(0).endsWith(": up to date (" + pg + " migrations)"), said.get(0));
      assertTrue(said.get(1).startsWith("ClickHouse database " + database) && said.get(1).endsWith(": up to date (" + ch + " migrations)"), said.get(1));
    } finally {
      log.removeHandler(collect);
      TestStores.drop(database);
    }
  }

  @Test
  void whatAMigrationCreatesIsReadFromItsStatements() {
    assertEquals(List.of("changes table sends", "index sends_to_mark"),
        Migrations.creates("-- CREATE TABLE commented_out\nALTER TABLE sends ADD COLUMN x int;\nCREATE INDEX IF NOT EXISTS sends_to_mark ON sends (x);"));
    assertEquals(List.of("function audience_number", "index a_b"),
        Migrations.creates("CREATE OR REPLACE FUNCTION audience_number(v jsonb) RETURNS numeric AS $$ SELECT 1 $$;\nCREATE UNIQUE INDEX a_b ON t (c);"));
  }
}
