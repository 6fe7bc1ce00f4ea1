package dev.shiftlens.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
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
  void theBehaviorIsChosenAndRealisticDataSpanNinetyDaysUnlessTold() {
    Instant anchor = Instant.parse("2026-03-01T12:00:00Z");
    String[] base = {"--key", "k", "--anchor", anchor.toString(), "--behavior"};
    DemoCommand.Options realistic = DemoCommand.parse(append(base, "realistic"), Map.of());
    assertEquals(new DemoSpec(42, 3000, 90, anchor, Behavior.REALISTIC), realistic.spec());
    DemoCommand.Options bursty = DemoCommand.parse(append(base, "BURSTY", "--days", "20"),
        Map.of());
    assertEquals(new DemoSpec(42, 3000, 20, anchor, Behavior.BURSTY), bursty.spec());
    assertEquals(Behavior.POISSON, DemoCommand.parse(append(base, "poisson"), Map.of()).spec()
        .behavior());
    assertThrows(IllegalArgumentException.class,
        () -> DemoCommand.parse(append(base, "chaotic"), Map.of()));
    // Sixty days of sends and four weeks of baseline do not fit in 35 days.
    assertThrows(IllegalArgumentException.class,
        () -> DemoCommand.parse(append(base, "realistic", "--days", "35"), Map.of()));
  }

  private static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
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
