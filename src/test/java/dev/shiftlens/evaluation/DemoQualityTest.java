package dev.shiftlens.evaluation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against the demo generator's ground truth, on the demo's seed and on others: sends go
 * out at local peak hours, so a baseline that ignores the hour of the week reads unchanged contacts
 * as up; the engine's must not.
 */
class DemoQualityTest {
  private static final Instant ANCHOR = Instant.parse("2026-11-02T12:00:00Z");

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {42, 7, 2024})
  void falsePositivesStayBelowAlphaExpectedMatchesTheTruthAndPlantedEffectsAreFound(long seed) {
    DemoQuality demo = new DemoQuality(DemoGenerator.generate(new DemoSpec(seed, 3000, 35, ANCHOR)));
    PopulationModel model = demo.population();
    List<DemoQuality.Scored> scored = demo.evaluate(model);
    for (double hours : new double[] {6, 24}) {
      DemoQuality.Figures f = DemoQuality.score(scored, DemoQuality.evaluator(model), model, hours);
      System.out.printf("seed %d, %.0f h windows: %s%n", seed, hours, f);
      assertTrue(f.nullTests() > 1000, "too few null tests to judge: " + f);
      assertTrue(f.falsePositiveRate() <= 0.05, "false-positive rate above 0.05: " + f);
      assertTrue(Math.abs(f.expectedRatio() - 1) <= 0.05, "sum of expected off the truth by more than 5%: " + f);
      assertTrue(Math.abs(f.nullTotalLift() - 1) <= 0.05, "the \"*\" lift of sends without effect is off 1 by more than 5%: " + f);
      assertTrue(f.plantedTests() > 100, "too few planted effects to judge: " + f);
      assertTrue(f.relativePower() >= 0.9, "power below 0.9 of the oracle's: " + f);
      assertTrue(f.found() > 0, "no planted effect found: " + f);
    }
  }

  @Test
  void aFlatRateBaselineFailsWhereTheEngineDoesNot() {
    DemoQuality demo = new DemoQuality(DemoGenerator.generate(new DemoSpec(42, 3000, 35, ANCHOR)));
    PopulationModel flat = demo.flat();
    DemoQuality.Figures naive = DemoQuality.score(demo.evaluate(flat), DemoQuality.evaluator(flat), flat, 6);
    System.out.println("flat-rate baseline, 6 h windows: " + naive);
    assertTrue(naive.falsePositiveRate() > 0.05 || Math.abs(naive.expectedRatio() - 1) > 0.05,
        "a flat-rate baseline should fail the quality bar on peak-hour sends: " + naive);
    PopulationModel model = demo.population();
    DemoQuality.Figures engine = DemoQuality.score(demo.evaluate(model), DemoQuality.evaluator(model), model, 6);
    assertTrue(engine.falsePositiveRate() < naive.falsePositiveRate(), engine + " vs " + naive);
  }
}
