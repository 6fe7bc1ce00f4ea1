package dev.shiftlens.demo;

import java.util.List;
import java.util.Locale;

/**
 * How the generated people behave and are messaged: which of the simplifications of the plain demo
 * (independent Poisson events, a week of sparse sends, everyone active and with a known zone) the
 * data keeps and which it breaks the way real data does. Every departure keeps the ground truth
 * exact: {@link SendTruth#expected()} is always the integral of the rate really in force.
 *
 * @param name the preset's name, as the {@code demo} command's {@code --behavior} takes it
 * @param sessions events come in sessions: session starts are Poisson at a third of the contact's
 *     rate (planted lifts included), a session has 1 + Geometric events (3 on average, so the mean
 *     event rate is unchanged), the first at its start and the others at uniform offsets within
 *     the hour after it, each named independently in proportion to the rates (lifts included) at
 *     the session's start. Names mix within a session, and the expected count of each name over
 *     any stretch is still the integral of its rate, up to the hour by which a session trails it.
 * @param sendDays days at the end of the span that receive sends
 * @param minBaselineDays the least number of days before the send period that a span must have
 * @param sendsPerDay mean sends per contact and local day; with {@code overlappingSends} the number
 *     of a day is Poisson, otherwise a day has one send with this probability or none
 * @param overlappingSends whether one contact's windows may overlap (effects then multiply); when
 *     false, a send whose window would overlap the previous one is skipped
 * @param campaignShare share of contacts that receive the daily campaign ({@code daily_digest},
 *     push, 08:00 local, every day of the send period); 0 leaves the campaign out of the catalog
 * @param rareEventPerWeek population mean rate per contact and week of the rare event
 *     ({@code subscription_upgrade}); 0 leaves it out of the catalog
 * @param lapsedShare share of contacts whose activity stops for good at a moment 10 to 40 days
 *     before the anchor; they keep receiving sends
 * @param noZoneShare share of contacts with no zone anywhere: neither their row nor their events
 *     carry one, although they live by the clock of a real zone (in the truth's {@code zones})
 */
public record Behavior(
    String name,
    boolean sessions,
    int sendDays,
    int minBaselineDays,
    double sendsPerDay,
    boolean overlappingSends,
    double campaignShare,
    double rareEventPerWeek,
    double lapsedShare,
    double noZoneShare) {

  /** The plain demo: independent Poisson events, a week of sends that never overlap. */
  public static final Behavior POISSON =
      new Behavior("poisson", false, 7, 7, 0.35, false, 0, 0, 0, 0);
  /** The plain demo's contacts and sends, with events in sessions. */
  public static final Behavior BURSTY =
      new Behavior("bursty", true, 7, 7, 0.35, false, 0, 0, 0, 0);
  /**
   * Everything real data does to a model: sessions, 60 days of frequent sends (about 24 per
   * contact, windows overlapping) after at least 28 days of baseline, a daily campaign to 30% of
   * contacts, a rare event, 10% of contacts lapsing and 10% without a zone.
   */
  public static final Behavior REALISTIC =
      new Behavior("realistic", true, 60, 28, 0.4, true, 0.3, 1.0 / 500, 0.1, 0.1);

  public static final List<Behavior> PRESETS = List.of(POISSON, BURSTY, REALISTIC);

  public Behavior {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a behavior needs a name");
    }
    if (sendDays < 1 || minBaselineDays < 1) {
      throw new IllegalArgumentException("sendDays and minBaselineDays must be positive");
    }
    if (!(sendsPerDay >= 0) || !overlappingSends && sendsPerDay > 1) {
      throw new IllegalArgumentException(
          "sendsPerDay must be >= 0, and a probability without overlapping sends: " + sendsPerDay);
    }
    for (double share : new double[] {campaignShare, lapsedShare, noZoneShare}) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("shares must be in [0, 1], got " + share);
      }
    }
    if (!(rareEventPerWeek >= 0)) {
      throw new IllegalArgumentException("rareEventPerWeek must be >= 0");
    }
  }

  /** The preset of this name, case-insensitive. */
  public static Behavior preset(String name) {
    return PRESETS.stream().filter(b -> b.name().equals(name.toLowerCase(Locale.ROOT)))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(
            "unknown behavior " + name + "; one of poisson, bursty, realistic"));
  }
}
