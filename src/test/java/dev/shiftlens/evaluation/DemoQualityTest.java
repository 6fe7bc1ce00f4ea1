package dev.shiftlens.evaluation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shiftlens.baseline.PopulationModel;
import dev.shiftlens.demo.DemoDataset;
import dev.shiftlens.demo.DemoGenerator;
import dev.shiftlens.demo.DemoSpec;
import dev.shiftlens.stats.AggregateLift;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against the demo generator's ground truth, on the demo's seed and on others: sends go
 * out at local peak hours, so a baseline that ignores the hour of the week reads unchanged contacts
 * as up; the engine's must not. The lifts per message that dashboards read are checked on the same
 * evaluations.
 */
class DemoQualityTest {
  private static final Instant ANCHOR = Instant.parse("2026-11-02T12:00:00Z");
  /** Contacts per seed: 3000 in the suite; {@code bench/quality.sh} runs the same checks on more. */
  private static final int CONTACTS = Integer.getInteger("shiftlens.quality.contacts", 3000);

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {42, 7, 2024})
  void falsePositivesStayBelowAlphaExpectedMatchesTheTruthAndPlantedEffectsAreFound(long seed) {
    DemoDataset data = DemoGenerator.generate(new DemoSpec(seed, CONTACTS, 35, ANCHOR));
    DemoQuality demo = new DemoQuality(data);
    PopulationModel model = demo.population();
    List<DemoQuality.Scored> scored = demo.evaluate(model);
    checkMessageLifts(seed, data, scored);
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

  /**
   * The lift that {@code GET /v1/metrics/sends} reports per message, for {@code "*"} and for each planted
   * event name, computed from the same sums (see {@link DemoQuality.MessageLift} for the truth): its
   * always-valid interval covers the planted truth; it is within 5% of what an oracle with the true
   * rates reads from the same events (the engine's own error); and within 5% of the planted truth
   * wherever chance has not already moved the events themselves (the oracle) more than 2.5% from it,
   * which a few hundred sends of a rare event name cannot avoid (the purchases of promo_10pct: some
   * fifty events, 15% of noise). Messages without a planted effect have an adjusted interval (or,
   * without holdouts, a lift interval) that covers 1.
   */
  private static void checkMessageLifts(long seed, DemoDataset data, List<DemoQuality.Scored> scored) {
    int resolved = 0;
    List<DemoQuality.MessageLift> lifts = DemoQuality.messageLifts(data, scored);
    for (DemoQuality.MessageLift m : lifts) {
      System.out.printf("seed %d: %s%n", seed, m);
      AggregateLift.Estimate lift = m.lift();
      assertTrue(lift.interval().contains(m.truth()), "the interval misses the planted truth: " + m);
      assertTrue(Math.abs(lift.lift() / m.realized() - 1) <= 0.05, "more than 5% from the oracle: " + m);
      if (Math.abs(m.realized() / m.truth() - 1) <= 0.025) {
        resolved++;
        assertTrue(Math.abs(lift.lift() / m.truth() - 1) <= 0.05, "more than 5% from the planted truth: " + m);
      }
      if (!data.truth().message(m.messageId()).orElseThrow().hasEffect()) {
        AggregateLift.Estimate adjusted = m.adjusted();
        AggregateLift.Estimate shown = adjusted.defined() ? adjusted : lift;
        assertTrue(shown.interval().contains(1), "a message without effect: " + m);
      }
    }
    assertTrue(resolved >= 3, "too few lifts that the data resolve to 5%: " + resolved + " of " + lifts.size());
  }
}
