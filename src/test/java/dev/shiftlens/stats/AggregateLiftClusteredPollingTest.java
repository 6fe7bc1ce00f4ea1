package dev.shiftlens.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.random.RandomDataGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Sends of one contact are correlated: the same person, whose activity in the weeks of the campaign
 * differs from the baseline by a factor of its own, and whose sends share most of their baseline (and
 * so the error of their expected counts). A dashboard polls a message without effect that reaches 150
 * contacts 20 times each (3000 sends, read every 10 sends), in many histories. Fed with one unit per
 * send, {@link AggregateLift} takes 3000 independent residuals where there are 150, and its interval
 * excludes the true lift 1 in more than 5% of the histories; fed with one unit per contact (its sends'
 * observed and expected counts summed first, as {@code GET /v1/metrics/sends} does), it stays within 5%.
 *
 * <p>The counts are bursty: events come in sessions (compound Poisson: a Poisson number of bursts of
 * 1 + Geometric events, mean 3), on top of the contact's shared activity factor (Gamma, mean 1).
 */
class AggregateLiftClusteredPollingTest {
  private static final int HISTORIES = 1000;
  private static final int CONTACTS = 150;
  private static final int SENDS_PER_CONTACT = 20;
  private static final int LOOK_EVERY = 10;
  private static final double BASELINE_WINDOWS = 20;
  private static final double BURST_MEAN = 3;

  @Test
  void perContactSumsKeepThePolledIntervalValidWhereSendsAsUnitsDoNot() {
    RandomDataGenerator rng = new RandomDataGenerator(new Well19937c(20261202L));
    int perSendWrong = 0;
    int perContactWrong = 0;
    for (int h = 0; h < HISTORIES; h++) {
      double[] rate = new double[CONTACTS];
      double[] activity = new double[CONTACTS];
      double[] expected = new double[CONTACTS];
      for (int c = 0; c < CONTACTS; c++) {
        rate[c] = rng.nextGamma(0.8, 2.0 / 0.8); // mean 1.6 events per window, widely spread
        activity[c] = rng.nextGamma(2, 0.5); // mean 1: this period against the baseline's
        double baseline = rate[c] > 0 ? rng.nextPoisson(rate[c] * BASELINE_WINDOWS) : 0; // shared by the contact's sends
        expected[c] = baseline / BASELINE_WINDOWS;
      }
      double[] o = new double[CONTACTS];
      double[] e = new double[CONTACTS];
      AggregateLift.Sums perSend = AggregateLift.Sums.EMPTY;
      double n = 0, so = 0, se = 0, soo = 0, soe = 0, see = 0;
      boolean sendWrong = false, contactWrong = false;
      int sent = 0;
      for (int round = 0; round < SENDS_PER_CONTACT; round++) {
        for (int c = 0; c < CONTACTS; c++) {
          double observed = bursty(rng, rate[c] * activity[c]);
          perSend = perSend.plus(observed, expected[c]);
          // The contact's unit changes: take out its old square terms, put in the new ones.
          if (round == 0) n++;
          soo -= o[c] * o[c];
          soe -= o[c] * e[c];
          see -= e[c] * e[c];
          o[c] += observed;
          e[c] += expected[c];
          so += observed;
          se += expected[c];
          soo += o[c] * o[c];
          soe += o[c] * e[c];
          see += e[c] * e[c];
          if (++sent % LOOK_EVERY != 0) continue;
          AggregateLift.Estimate s = AggregateLift.of(perSend, 0.05);
          if (s.defined()) sendWrong |= !s.interval().contains(1);
          AggregateLift.Estimate k = AggregateLift.of(new AggregateLift.Sums((long) n, so, se, soo, soe, see), 0.05);
          if (k.defined()) contactWrong |= !k.interval().contains(1);
        }
      }
      if (sendWrong) perSendWrong++;
      if (contactWrong) perContactWrong++;
    }
    double perSendRate = (double) perSendWrong / HISTORIES;
    double perContactRate = (double) perContactWrong / HISTORIES;
    System.out.printf("null message, %d contacts x %d sends, bursty counts, polled %d times in %d histories: "
        + "interval excluded 1 in %.3f of histories with sends as units, %.3f with contacts as units%n",
        CONTACTS, SENDS_PER_CONTACT, CONTACTS * SENDS_PER_CONTACT / LOOK_EVERY, HISTORIES, perSendRate, perContactRate);
    assertTrue(perSendRate > 0.05, "sends as units should be too narrow here: wrong in " + perSendRate);
    assertTrue(perContactRate <= 0.05, "contacts as units: wrong in " + perContactRate + " of histories");
  }

  /** A Poisson number of bursts, each 1 + Geometric events (mean {@link #BURST_MEAN}): mean {@code mean}. */
  private static double bursty(RandomDataGenerator rng, double mean) {
    double bursts = mean > 0 ? rng.nextPoisson(mean / BURST_MEAN) : 0;
    double events = 0;
    for (int b = 0; b < bursts; b++) events += 1 + rng.nextPascal(1, 1 / BURST_MEAN);
    return events;
  }
}
