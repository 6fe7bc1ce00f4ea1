package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeyAndStreamConfigTest {
  @Test
  void defaultsCacheKeysForFiveSecondsAndBeatEveryFifteen() {
    Config c = Config.from(Map.of());
    assertEquals(new Config.Auth(5, 10_000, 32, 30), c.auth());
    assertEquals(new Config.Stream(15, 1000, 256 * 1024, 60, 1000, true), c.stream());
  }

  @Test
  void defaultsCutClientsSlowerThanAKibibyteASecondAfterFiveSeconds() {
    assertEquals(new Config.Clients(10, 1024, 5), Config.from(Map.of()).clients());
    assertEquals(new Config.Clients(3, 0, 2), Config.from(Map.of("SHIFTLENS_HEADER_TIMEOUT_SECONDS", "3",
        "SHIFTLENS_MIN_UPLOAD_BYTES_PER_SECOND", "0", "SHIFTLENS_UPLOAD_GRACE_SECONDS", "2")).clients());
  }

  @Test
  void givenValuesOverrideTheDefaults() {
    Config c = Config.from(Map.of("SHIFTLENS_KEY_CACHE_SECONDS", "0", "SHIFTLENS_STREAM_HEARTBEAT_SECONDS", "2",
        "SHIFTLENS_STREAM_MAX", "3", "SHIFTLENS_STREAM_BUFFER_BYTES", "8192", "SHIFTLENS_STREAM_STALL_SECONDS", "4",
        "SHIFTLENS_STREAM_REPLAY_LIMIT", "0", "SHIFTLENS_STREAM_ACROSS_SERVERS", "false",
        "SHIFTLENS_KEY_UNKNOWN_CACHE_ENTRIES", "7", "SHIFTLENS_KEY_MAX_LOOKUPS", "9", "SHIFTLENS_KEY_INDEX_REFRESH_SECONDS", "2"));
    assertEquals(new Config.Auth(0, 7, 9, 2), c.auth());
    assertEquals(new Config.Stream(2, 3, 8192, 4, 0, false), c.stream());
  }

  @ParameterizedTest
  @CsvSource({
      "SHIFTLENS_KEY_CACHE_SECONDS, -1", "SHIFTLENS_KEY_CACHE_SECONDS, soon", "SHIFTLENS_KEY_UNKNOWN_CACHE_ENTRIES, -5",
      "SHIFTLENS_KEY_MAX_LOOKUPS, 0", "SHIFTLENS_KEY_INDEX_REFRESH_SECONDS, 0",
      "SHIFTLENS_HEADER_TIMEOUT_SECONDS, 0", "SHIFTLENS_MIN_UPLOAD_BYTES_PER_SECOND, -1", "SHIFTLENS_UPLOAD_GRACE_SECONDS, fast", "SHIFTLENS_STREAM_HEARTBEAT_SECONDS, 0", "SHIFTLENS_STREAM_MAX, 0",
      "SHIFTLENS_STREAM_BUFFER_BYTES, 100", "SHIFTLENS_STREAM_STALL_SECONDS, 0", "SHIFTLENS_STREAM_REPLAY_LIMIT, many", "SHIFTLENS_STREAM_ACROSS_SERVERS, maybe"})
  void aBadValueNamesItsVariable(String variable, String value) {
    ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Map.of(variable, value)));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }
}
