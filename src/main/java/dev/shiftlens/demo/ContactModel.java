package dev.shiftlens.demo;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

/**
 * The hidden state of one contact: its true rates, its zone's clock and the sends it receives.
 *
 * @param zone the zone whose clock the contact lives by, even when its row and events carry none
 * @param ratePerDay mean events per day by event index of {@link DemoCatalog#events(Behavior)},
 *     before lifts
 * @param hourOfWeek for each hour of the span (UTC hour {@code i} after the span start), the
 *     local hour of the week at its start, Monday 00:00 = 0
 * @param effects planted effects of the contact's delivered sends, in time order of their start.
 *     They never overlap under {@link Behavior#POISSON}; where they do (overlapping sends, the
 *     daily campaign), the rate at a moment is multiplied by the lift of every effect covering it
 * @param activeUntil epoch second from which the contact does nothing any more: the anchor, or
 *     the moment it lapsed ({@link Behavior#lapsedShare()})
 */
record ContactModel(
    int index,
    DemoContact contact,
    DemoCatalog.Zone zone,
    double[] ratePerDay,
    int[] hourOfWeek,
    List<DemoSend> sends,
    List<Effect> effects,
    Lifts lifts,
    long activeUntil) {

  ContactModel(int index, DemoContact contact, DemoCatalog.Zone zone, double[] ratePerDay,
      int[] hourOfWeek, List<DemoSend> sends, List<Effect> effects, long activeUntil) {
    this(index, contact, zone, ratePerDay, hourOfWeek, sends, effects,
        Lifts.of(effects, ratePerDay.length), activeUntil);
  }

  /** Rates are multiplied by {@code lift[event index]} in [start, end), epoch seconds. */
  record Effect(long start, long end, double[] lift) {}

  /**
   * The effects as a step function, built once per contact because every window's truth walks it:
   * from {@code cuts[k]} (epoch s, ascending) to the next cut the rates are multiplied by
   * {@code liftFrom[k]}, the product of the lifts of the effects in force, or by 1 where it is
   * null. Before the first cut no effect is in force.
   */
  record Lifts(long[] cuts, double[][] liftFrom) {
    static Lifts of(List<Effect> effects, int size) {
      long[] cuts = effects.stream().flatMapToLong(f -> LongStream.of(f.start(),
          f.end())).sorted().distinct().toArray();
      double[][] liftFrom = new double[cuts.length][];
      for (int k = 0; k < cuts.length; k++) {
        for (Effect f : effects) {
          if (f.start() <= cuts[k] && cuts[k] < f.end()) {
            if (liftFrom[k] == null) {
              liftFrom[k] = new double[size];
              Arrays.fill(liftFrom[k], 1);
            }
            for (int e = 0; e < size; e++) {
              liftFrom[k][e] *= f.lift()[e];
            }
          }
        }
      }
      return new Lifts(cuts, liftFrom);
    }
  }
}
