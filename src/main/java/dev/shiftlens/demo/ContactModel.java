package dev.shiftlens.demo;

import java.util.List;

/**
 * The hidden state of one contact: its true rates, its zone's clock and the sends it receives.
 *
 * @param ratePerDay mean events per day by event index of {@link DemoCatalog#EVENTS}, before lifts
 * @param hourOfWeek for each hour of the span (UTC hour {@code i} after the span start), the
 *     local hour of the week at its start, Monday 00:00 = 0
 * @param effects planted effects of the contact's delivered sends, in time order, never overlapping
 */
record ContactModel(
    int index,
    DemoContact contact,
    DemoCatalog.Zone zone,
    double[] ratePerDay,
    int[] hourOfWeek,
    List<DemoSend> sends,
    List<Effect> effects) {

  /** Rates are multiplied by {@code lift[event index]} in [start, end), epoch seconds. */
  record Effect(long start, long end, double[] lift) {}
}
