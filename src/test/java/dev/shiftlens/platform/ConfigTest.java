package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {
  private static final Map<String, String> NONE = Map.of();

  /** Config.from fails, and the message names the variable. */
  private static ConfigException rejected(String variable, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of(variable, value)), variable + "=" + value);
    assertTrue(e.getMessage().contains(variable), e.getMessage());
    return e;
  }

  @Test
  void defaultsServeOnPort8080AgainstLocalServices() {
    Config c = Config.from(NONE);
    assertEquals("0.0.0.0", c.http().host());
    assertEquals(8080, c.http().port());
    assertEquals(512L << 20, c.http().maxBodyBytes());
    assertEquals(1 << 20, c.http().maxRowBytes());
    assertTrue(c.http().instances() >= 1);
    assertEquals("http://127.0.0.1:8123", c.clickhouse().url());
    assertEquals("shiftlens", c.clickhouse().database());
    assertEquals("postgresql://postgres@127.0.0.1:5432/shiftlens", c.postgres().uri());
    assertEquals("shiftlens", c.postgres().database());
    assertEquals(24.0, c.windows().defaultHours());
    assertTrue(c.windows().perChannel().isEmpty());
  }

  @Test
  void theSpoolIsOnByDefaultInADirectoryOfItsDatabaseAndBoundedByItsVariable() {
    Config c = Config.from(NONE);
    assertEquals("spool/shiftlens", c.ingest().spoolDir());
    assertEquals(1L << 30, c.ingest().spoolMaxBytes());
    assertFalse(c.ingest().spoolAlways());
    Config other = Config.from(Map.of("SHIFTLENS_CLICKHOUSE_DATABASE", "other_db", "SHIFTLENS_SPOOL_MAX_BYTES", "0",
        "SHIFTLENS_SPOOL_ALWAYS", "true"));
    assertEquals("spool/other_db", other.ingest().spoolDir(), "servers of two databases never share one");
    assertEquals(0, other.ingest().spoolMaxBytes());
    assertTrue(other.ingest().spoolAlways());
    assertEquals("/var/lib/shiftlens/spool", Config.from(Map.of("SHIFTLENS_SPOOL_DIR", " /var/lib/shiftlens/spool ")).ingest().spoolDir());
    rejected("SHIFTLENS_SPOOL_MAX_BYTES", "-1");
    rejected("SHIFTLENS_SPOOL_MAX_BYTES", "1GiB");
    rejected("SHIFTLENS_SPOOL_DIR", "  ");
    rejected("SHIFTLENS_SPOOL_ALWAYS", "sometimes");
  }

  @Test
  void withoutAnApiKeyOneIsGenerated() {
    Config a = Config.from(NONE);
    Config b = Config.from(Map.of("SHIFTLENS_API_KEY", "   "));
    assertTrue(a.apiKeyGenerated());
    assertTrue(b.apiKeyGenerated());
    assertTrue(a.apiKey().matches("sl_[0-9a-f]{48}"), a.apiKey());
    assertTrue(b.apiKey().matches("sl_[0-9a-f]{48}"), b.apiKey());
    assertNotEquals(a.apiKey(), b.apiKey());
  }

  @Test
  void aGivenApiKeyIsUsedAsItIs() {
    Config c = Config.from(Map.of("SHIFTLENS_API_KEY", " my-secret-key "));
    assertEquals("my-secret-key", c.apiKey());
    assertFalse(c.apiKeyGenerated());
    rejected("SHIFTLENS_API_KEY", "short");
  }

  @Test
  void givenValuesOverrideTheDefaults() {
    Config c = Config.from(Map.of(
        "SHIFTLENS_HTTP_PORT", " 9090 ",
        "SHIFTLENS_CLICKHOUSE_URL", "http://clickhouse.internal:18123",
        "SHIFTLENS_CLICKHOUSE_DATABASE", "analytics_2",
        "SHIFTLENS_PG_URI", "postgres://app:pw@db.internal/shift",
        "SHIFTLENS_WINDOW_HOURS", "48",
        "SHIFTLENS_CHANNEL_WINDOW_HOURS", "push=6, email = 72,in_app=0.5"));
    assertEquals(9090, c.http().port());
    assertEquals("http://clickhouse.internal:18123", c.clickhouse().url());
    assertEquals("analytics_2", c.clickhouse().database());
    assertEquals("shift", c.postgres().database());
    assertEquals(48.0, c.windows().defaultHours());
    assertEquals(Map.of("push", 6.0, "email", 72.0, "in_app", 0.5), c.windows().perChannel());
  }

  @Test
  void aBlankNumberTakesItsDefault() {
    assertEquals(8080, Config.from(Map.of("SHIFTLENS_HTTP_PORT", " ")).http().port());
  }

  @Test
  void theWindowOfAChannelIsItsOwnElseTheDefault() {
    Config.Windows w = Config.from(Map.of("SHIFTLENS_WINDOW_HOURS", "12", "SHIFTLENS_CHANNEL_WINDOW_HOURS", "push=6")).windows();
    assertEquals(6.0, w.hoursFor("push"));
    assertEquals(12.0, w.hoursFor("email"));
    assertEquals(12.0, w.hoursFor("Push"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SHIFTLENS_HTTP_PORT | 0",
      "SHIFTLENS_HTTP_PORT | 70000",
      "SHIFTLENS_HTTP_PORT | -1",
      "SHIFTLENS_HTTP_PORT | abc",
      "SHIFTLENS_HTTP_PORT | 8080.5",
      "SHIFTLENS_HTTP_PORT | 99999999999999999999",
      "SHIFTLENS_MAX_ROW_BYTES | 255",
      "SHIFTLENS_MAX_BODY_BYTES | 1k",
      "SHIFTLENS_HTTP_INSTANCES | 0",
      "SHIFTLENS_CLICKHOUSE_DATABASE | shift-lens",
      "SHIFTLENS_CLICKHOUSE_DATABASE | 1shiftlens",
      "SHIFTLENS_CLICKHOUSE_DATABASE | shift lens",
      "SHIFTLENS_CLICKHOUSE_DATABASE | db;DROP",
      "SHIFTLENS_CLICKHOUSE_URL | not a url",
      "SHIFTLENS_CLICKHOUSE_URL | localhost:8123",
      "SHIFTLENS_CLICKHOUSE_URL | ftp://localhost:8123",
      "SHIFTLENS_CLICKHOUSE_URL | http:///nohost",
      "SHIFTLENS_PG_URI | not a url",
      "SHIFTLENS_PG_URI | http://127.0.0.1:5432/shiftlens",
      "SHIFTLENS_PG_URI | postgresql:///shiftlens",
      "SHIFTLENS_PG_POOL_SIZE | 0",
      "SHIFTLENS_INGEST_BATCH_ROWS | lots",
      "SHIFTLENS_INGEST_RECENT_KEYS | -1",
      "SHIFTLENS_WINDOW_HOURS | 0",
      "SHIFTLENS_WINDOW_HOURS | 168.5",
      "SHIFTLENS_WINDOW_HOURS | day",
      "SHIFTLENS_WINDOW_HOURS | NaN",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=0",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=six",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=169",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=-6",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | =6",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | 'push=6,,email=24'",
      "SHIFTLENS_CHANNEL_WINDOW_HOURS | push=NaN",
      "SHIFTLENS_EVALUATION_ENABLED | maybe",
      "SHIFTLENS_EVALUATION_GRACE_MINUTES | -1",
      "SHIFTLENS_EVALUATION_BATCH | 0",
      "SHIFTLENS_EVALUATION_LEASE_SECONDS | 5",
      "SHIFTLENS_BASELINE_DAYS | 0",
      "SHIFTLENS_MIN_BASELINE_DAYS | 0",
      "SHIFTLENS_MIN_BASELINE_DAYS | 29",
      "SHIFTLENS_ALPHA | 0",
      "SHIFTLENS_ALPHA | 0.6",
      "SHIFTLENS_PROFILE_CONTACTS | 10"})
  void aBadValueStopsStartUpWithTheVariableNamed(String variable, String value) {
    rejected(variable, value);
  }

  @Test
  void theEngineDefaultsFollowTheContractAndCanBeChanged() {
    Config.Evaluation d = Config.from(Map.of()).evaluation();
    assertTrue(d.enabled());
    assertEquals(60, d.graceMinutes(), "grace period of one hour");
    assertEquals(28, d.baselineDays());
    assertEquals(0.05, d.alpha());
    Config.Evaluation e = Config.from(Map.of("SHIFTLENS_EVALUATION_ENABLED", "off", "SHIFTLENS_EVALUATION_GRACE_MINUTES", "0",
        "SHIFTLENS_BASELINE_DAYS", "14", "SHIFTLENS_MIN_BASELINE_DAYS", "3.5", "SHIFTLENS_ALPHA", "0.01")).evaluation();
    assertEquals(false, e.enabled());
    assertEquals(0, e.graceMinutes());
    assertEquals(14, e.baselineDays());
    assertEquals(3.5, e.minBaselineDays());
    assertEquals(0.01, e.alpha());
    assertTrue(rejected("SHIFTLENS_MIN_BASELINE_DAYS", "29").getMessage().contains("SHIFTLENS_BASELINE_DAYS (28)"));
  }

  @Test
  void theMessageSaysWhatIsWrong() {
    assertEquals("SHIFTLENS_HTTP_PORT must be between 1 and 65535, got 70000", rejected("SHIFTLENS_HTTP_PORT", "70000").getMessage());
    assertTrue(rejected("SHIFTLENS_CHANNEL_WINDOW_HOURS", "push=0,email=2").getMessage().contains("'push=0'"));
  }

  @Test
  void sendsAreKeptForGoodUnlessARetentionInMonthsIsSet() {
    assertEquals(0, Config.from(NONE).postgres().sendRetentionMonths());
    assertEquals(0, Config.from(Map.of("SHIFTLENS_SEND_RETENTION_MONTHS", "0")).postgres().sendRetentionMonths());
    assertEquals(13, Config.from(Map.of("SHIFTLENS_SEND_RETENTION_MONTHS", "13")).postgres().sendRetentionMonths());
    rejected("SHIFTLENS_SEND_RETENTION_MONTHS", "-1");
    rejected("SHIFTLENS_SEND_RETENTION_MONTHS", "a year");
  }

  @Test
  void theMaintenanceUriIsTheSameServerAndCredentialsOnThePostgresDatabase() {
    Config.Postgres pg = new Config.Postgres("postgresql://app:p%40ss@db.example.com:5433/shiftlens?sslmode=require&connect_timeout=5", 8);
    assertEquals("postgresql://app:p%40ss@db.example.com:5433/postgres?sslmode=require&connect_timeout=5", pg.maintenanceUri());
    assertEquals("shiftlens", pg.database());
    Config.Postgres plain = new Config.Postgres("postgres://postgres@127.0.0.1/analytics", 8);
    assertEquals("postgres://postgres@127.0.0.1/postgres", plain.maintenanceUri());
    assertEquals("analytics", plain.database());
  }

  @Test
  void aUriWithoutADatabaseMeansThePostgresDatabase() {
    assertEquals("postgres", new Config.Postgres("postgresql://127.0.0.1:5432", 8).database());
    assertEquals("postgres", new Config.Postgres("postgresql://127.0.0.1:5432/", 8).database());
  }

  @Test
  void theClickHouseJdbcUrlKeepsHostAndPortAndDefaultsToPort8123() {
    assertEquals("jdbc:clickhouse://ch.internal:18123/events_db?compress=false&validateAfterInactivityMillis=1000&socket_timeout=60000",
        new Config.ClickHouse("http://ch.internal:18123", "shiftlens", 4, 60_000).jdbcUrl("events_db"));
    assertEquals("jdbc:clickhouse://ch.internal:8123/shiftlens?compress=false&validateAfterInactivityMillis=1000&socket_timeout=5000",
        new Config.ClickHouse("http://ch.internal", "shiftlens", 4, 60_000).jdbcUrl("shiftlens", 5000));
  }

  @Test
  void clickHouseCredentialsInTheUrlArePassedOnButNeverShown() {
    Config.ClickHouse ch = new Config.ClickHouse("http://reader:p%40ss%3Aword@ch.internal:8123", "shiftlens", 4, 60_000);
    assertEquals("jdbc:clickhouse://ch.internal:8123/x?compress=false&validateAfterInactivityMillis=1000&socket_timeout=60000&user=reader&password=p%40ss%3Aword",
        ch.jdbcUrl("x"));
    assertEquals("ch.internal:8123", ch.address());
  }

  @Test
  void aPostgresDatabaseNameThatIsNotAnIdentifierIsRefused() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Config.from(java.util.Map.of("SHIFTLENS_PG_URI", "postgresql://postgres@127.0.0.1:5432/x%22y")));
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("SHIFTLENS_PG_URI"), e.getMessage());
  }

  @Test
  void aUrlWithCredentialsIsNeverEchoedInAnError() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Config.from(java.util.Map.of("SHIFTLENS_PG_URI", "postgresql://app:p^ss@db:5432/shiftlens")));
    org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("p^ss"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void thePostgresUriIsShownWithoutItsPassword() {
    Config c = Config.from(java.util.Map.of("SHIFTLENS_PG_URI", "postgresql://app:s3cret@db.example:6543/shiftlens"));
    org.junit.jupiter.api.Assertions.assertEquals("postgresql://app:***@db.example:6543/shiftlens", c.postgres().redacted());
  }

  @Test
  void severalClickHouseUrlsAreTriedInOrderEachWithItsOwnJdbcUrl() {
    Config c = Config.from(java.util.Map.of(
        "SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:8124, http://127.0.0.1:8126",
        "SHIFTLENS_CLICKHOUSE_CLUSTER", "shiftlens"));
    assertEquals(java.util.List.of("http://127.0.0.1:8124", "http://127.0.0.1:8126"), c.clickhouse().urls());
    assertEquals("127.0.0.1:8124,127.0.0.1:8126", c.clickhouse().address());
    assertEquals("shiftlens", c.clickhouse().cluster());
    assertEquals("jdbc:clickhouse://127.0.0.1:8126/db?compress=false&validateAfterInactivityMillis=1000&socket_timeout=60000",
        c.clickhouse().jdbcUrl(1, "db", 60_000));
    assertEquals("", Config.from(java.util.Map.of()).clickhouse().cluster());
  }

  @Test
  void aBadClickHouseUrlAmongSeveralOrABadClusterNameIsNamed() {
    ConfigException url = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Config.from(java.util.Map.of("SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:8124,ftp://x")));
    org.junit.jupiter.api.Assertions.assertTrue(url.getMessage().contains("SHIFTLENS_CLICKHOUSE_URL"), url.getMessage());
    ConfigException cluster = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> Config.from(java.util.Map.of("SHIFTLENS_CLICKHOUSE_CLUSTER", "a-b")));
    org.junit.jupiter.api.Assertions.assertTrue(cluster.getMessage().contains("SHIFTLENS_CLICKHOUSE_CLUSTER"), cluster.getMessage());
  }
}
