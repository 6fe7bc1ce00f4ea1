package dev.shiftlens.evaluation;

import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSpec;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScratchProfileTest {
  @Test
  void profile() {
    DemoQuality demo = new DemoQuality(DemoGenerator.generate(new DemoSpec(42, 3000, 35, Instant.parse("2026-11-02T12:00:00Z"))));
    var model = demo.population();
    for (int i = 0; i < 6; i++) {
      long t = System.nanoTime();
      int n = demo.evaluate(model).size();
      System.out.println("evaluated " + n + " in " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }
  }
}
