package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shiftlens.support.TestServer;
import dev.shiftlens.support.TestStores;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Start-up creates both databases and applies each migration once, even when servers start together. */
class MigrationsIntegrationTest {
  @Test
  void twoServersStartingTogetherOnNewDatabasesApplyEachMigrationOnce() throws Exception {
    String database = TestStores.freshDatabaseName();
    CompletableFuture<TestServer> a = CompletableFuture.supplyAsync(() -> TestServer.startOn(database, Map.of()));
    CompletableFuture<TestServer> b = CompletableFuture.supplyAsync(() -> TestServer.startOn(database, Map.of()));
    TestServer first = a.get();
    TestServer second = b.get();
    try {
      int pgFiles = SqlFiles.migrations("postgres").size();
      int chFiles = SqlFiles.migrations("clickhouse").size();
      assertEquals(List.of(String.valueOf(pgFiles)),
          TestStores.postgres(database, "SELECT count(*) FROM schema_migrations"));
      assertEquals(List.of(String.valueOf(pgFiles)),
          TestStores.postgres(database, "SELECT count(DISTINCT version) FROM schema_migrations"));
      assertEquals(chFiles, TestStores.clickhouseLong("SELECT count() FROM " + database + ".schema_migrations"));
      assertEquals(200, first.get("/v1/status").statusCode());
      assertEquals(200, second.get("/v1/status").statusCode());

      // A third start on databases that are already up to date changes nothing.
      second.stop();
      TestServer third = TestServer.startOn(database, Map.of());
      third.stop();
      assertEquals(chFiles, TestStores.clickhouseLong("SELECT count() FROM " + database + ".schema_migrations"));
    } finally {
      first.close();
    }
  }

  @Test
  void aBadConfigurationValueNamesTheVariable() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Config.from(Map.of("SHIFTLENS_HTTP_PORT", "eighty")));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("SHIFTLENS_HTTP_PORT"), e.getMessage());
  }
}
