package dev.shiftlens.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void defaultsComeFromTheEnvironment() {
    DemoCommand.Options o = DemoCommand.parse(new String[] {"--anchor", "2026-03-01T12:00:00Z"},
        Map.of("SHIFTLENS_API_KEY", "secret", "SHIFTLENS_HTTP_PORT", "9090"));
    assertEquals(URI.create("http://127.0.0.1:9090"), o.url());
    assertEquals("secret", o.key());
    assertEquals(DemoSpec.defaults(Instant.parse("2026-03-01T12:00:00Z")), o.spec());
    assertEquals(Path.of("target/demo/ground-truth.json"), o.truth());
    assertEquals(false, o.force());
  }

  @Test
  void argumentsOverrideTheDefaults() {
    DemoCommand.Options o = DemoCommand.parse(new String[] {"--url", "http://h:1", "--key", "k",
        "--seed", "7", "--contacts", "10", "--days", "20", "--truth", "t.json",
        "--anchor", "2026-03-01T12:00:00Z", "--force"}, Map.of());
    assertEquals(new DemoSpec(7, 10, 20, Instant.parse("2026-03-01T12:00:00Z")), o.spec());
    assertEquals(URI.create("http://h:1"), o.url());
    assertEquals(true, o.force());
  }

  @Test
  void aMissingKeyOrAnUnknownArgumentIsAUsageError() {
    assertThrows(IllegalArgumentException.class, () -> DemoCommand.parse(new String[0], Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> DemoCommand.parse(new String[] {"--key", "k", "--colour", "red"}, Map.of()));
    assertThrows(IllegalArgumentException.class,
        () -> DemoCommand.parse(new String[] {"--key", "k", "--anchor", "2026-03-01T12:30:00Z"},
            Map.of()));
  }
}
