package dev.shiftlens.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The rate model of a contact's activity: draws its events and integrates its expected counts.
 *
 * <p>The rate of event {@code e} at a moment of UTC hour {@code i} is
 * {@code ratePerDay[e] / 24 * profile[hourOfWeek[i]] * lift}, where lift is the product of the
 * lifts of the planted effects covering the moment (1 without any), and 0 from the moment the
 * contact lapses. Without sessions, counts are Poisson over each stretch of constant rate and
 * times uniform within it. With sessions ({@link Behavior#sessions()}), session starts are Poisson
 * at a third of that rate, and each session has 1 + Geometric(1/3) events: the first at its start,
 * the others uniform within the hour after it, each named in proportion to the rates at its start;
 * events falling after the lapse or the anchor are dropped. Each contact has its own random
 * stream, so its events are the same however often and in whatever order they are drawn.
 *
 * <p>The expected counts integrate exactly what the draws do: with sessions, the mean count in
 * [a, b) is the integral over session starts s of rate(s) / 3 times the mean number of the
 * session's events that land in [a, b) before the cut-off c (lapse or anchor): 1{a <= s < b} +
 * 2 |[s, s + 1 h) n [a, min(b, c))| / 1 h. The rate is piecewise constant and the overlap
 * piecewise linear in s, so the integral is a sum of trapezoids.
 */
final class EventSampler {
  private static final String[] CATEGORIES = {"shoes", "apparel", "electronics", "home", "beauty",
      "sports"};
  private static final String[] ITEMS = new String[500];

  static {
    for (int i = 0; i < ITEMS.length; i++) {
      ITEMS[i] = String.format("sku-%04d", i);
    }
  }

  /** Share of events that carry the contact's zone; pipelines often leave it out. */
  private static final double TIMEZONE_SHARE = 0.85;
  /** Mean events per session, the first included. */
  private static final double SESSION_SIZE = 3;
  /** How long after its start a session's events fall, in seconds. */
  private static final long SESSION_SECONDS = 3600;
  /** log of the chance that a session goes on after each event: 1 - 1 / SESSION_SIZE. */
  private static final double LOG_GO_ON = Math.log(1 - 1 / SESSION_SIZE);

  private final DemoSpec spec;
  private final double[] profile;
  private final List<String> names;
  private final boolean sessions;

  EventSampler(DemoSpec spec, double[] profile) {
    this.spec = spec;
    this.profile = profile;
    this.names = DemoCatalog.eventNames(spec.behavior());
    this.sessions = spec.behavior().sessions();
  }

  List<String> names() {
    return names;
  }

  boolean sessions() {
    return sessions;
  }

  /** The contact's events in time order, with instance ids numbered from {@code firstId}. */
  List<DemoEvent> events(ContactModel m, long firstId) {
    SplittableRandom rng =
        new SplittableRandom(DemoGenerator.streamSeed(spec.seed(), 2, m.index()));
    List<long[]> drawn = new ArrayList<>(); // {epoch second, event index}
    pieces(m, spec.spanStart().getEpochSecond(), spec.anchor().getEpochSecond(), true,
        (from, to, perHour, lift) -> {
          if (sessions) {
            drawSessions(rng, m.ratePerDay(), perHour, lift, from, to, m.activeUntil(), drawn);
          } else {
            draw(rng, m.ratePerDay(), perHour, lift, from, to, drawn);
          }
        });
    drawn.sort(Comparator.comparingLong(d -> d[0]));

    List<DemoEvent> events = new ArrayList<>(drawn.size());
    long id = firstId;
    for (long[] d : drawn) {
      String name = names.get((int) d[1]);
      String zone = rng.nextDouble() < TIMEZONE_SHARE ? m.contact().timezone() : null;
      events.add(new DemoEvent(m.contact().contactId(), Instant.ofEpochSecond(d[0]), name,
          "e-" + spec.seed() + "-" + id++, zone, metadata(rng, name, m)));
    }
    return events;
  }

  /** True expected counts per event name in [from, to) (epoch s) without any effect. */
  Map<String, Double> expected(ContactModel m, long from, long to) {
    if (sessions) {
      return byName(integrate(m, from, to, false));
    }
    // The plain demo's formula, kept as it was so that its truth does not move by a rounding.
    to = Math.min(to, m.activeUntil());
    long spanStart = spec.spanStart().getEpochSecond();
    double exposureDays = 0; // sum over the hours of profile x share of the hour covered, / 24
    for (int i = (int) ((from - spanStart) / 3600); from < to && i * 3600L + spanStart < to;
        i++) {
      long hourStart = spanStart + 3600L * i;
      long covered = Math.min(to, hourStart + 3600) - Math.max(from, hourStart);
      exposureDays += profile[m.hourOfWeek()[i]] * covered / 3600.0 / 24;
    }
    Map<String, Double> expected = new LinkedHashMap<>();
    for (int e = 0; e < names.size(); e++) {
      expected.put(names.get(e), m.ratePerDay()[e] * exposureDays);
    }
    return expected;
  }

  /** True expected counts per event name in [from, to) with every planted effect in force. */
  Map<String, Double> expectedWithEffects(ContactModel m, long from, long to) {
    return byName(integrate(m, from, to, true));
  }

  /** Expected counts by event index in [a, b), with or without the effects. */
  double[] integrate(ContactModel m, long a, long b, boolean withEffects) {
    double[] sum = new double[names.size()];
    long cut = Math.min(b, m.activeUntil()); // no event lands at or after it
    if (cut <= a) {
      return sum;
    }
    long lo = sessions ? a - SESSION_SECONDS : a; // a session that starts before a reaches into it
    pieces(m, lo, cut, withEffects, (from, to, perHour, lift) -> {
      double weight; // seconds of rate that land in the window
      if (sessions) {
        long inside = Math.max(0, Math.min(to, cut) - Math.max(from, a));
        weight = inside / SESSION_SIZE
            + (SESSION_SIZE - 1) / SESSION_SIZE * overlapIntegral(from, to, a, cut)
            / SESSION_SECONDS;
      } else {
        weight = to - from;
      }
      for (int e = 0; e < sum.length; e++) {
        sum[e] += m.ratePerDay()[e] * perHour / 3600.0 * weight * (lift == null ? 1 : lift[e]);
      }
    });
    return sum;
  }

  /**
   * The integral over s in [x0, x1) of |[s, s + 1 h) n [a, c)|, which is linear between its kinks
   * at a - 1 h, c - 1 h, a and c.
   */
  private static double overlapIntegral(long x0, long x1, long a, long c) {
    long[] points = {x0, x1, a - SESSION_SECONDS, c - SESSION_SECONDS, a, c};
    Arrays.sort(points);
    double sum = 0;
    for (int k = 0; k + 1 < points.length; k++) {
      long u = Math.max(points[k], x0);
      long v = Math.min(points[k + 1], x1);
      if (u < v) {
        sum += (overlap(u, a, c) + overlap(v, a, c)) / 2.0 * (v - u);
      }
    }
    return sum;
  }

  private static long overlap(long s, long a, long c) {
    return Math.max(0, Math.min(s + SESSION_SECONDS, c) - Math.max(s, a));
  }

  private Map<String, Double> byName(double[] values) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int e = 0; e < names.size(); e++) {
      map.put(names.get(e), values[e]);
    }
    return map;
  }

  /** One stretch of constant rate: {@code lift} is null where no effect is in force. */
  interface Piece {
    void accept(long from, long to, double perHour, double[] lift);
  }

  /**
   * Cuts [lo, hi) n [span start, activeUntil) into stretches of constant rate, in time order: at
   * every UTC hour (the profile changes) and, with effects, wherever an effect starts or ends.
   */
  void pieces(ContactModel m, long lo, long hi, boolean withEffects, Piece out) {
    long spanStart = spec.spanStart().getEpochSecond();
    lo = Math.max(lo, spanStart);
    hi = Math.min(hi, m.activeUntil());
    long[] cuts = withEffects ? m.lifts().cuts() : new long[0];
    double[][] liftFrom = m.lifts().liftFrom();
    int k = 0; // cuts[k] is the next cut after the piece's start
    while (k < cuts.length && cuts[k] <= lo) {
      k++;
    }
    for (int i = (int) ((lo - spanStart) / 3600); spanStart + 3600L * i < hi; i++) {
      long hourStart = spanStart + 3600L * i;
      long hourEnd = Math.min(hourStart + 3600, hi);
      double perHour = profile[m.hourOfWeek()[i]] / 24;
      for (long from = Math.max(lo, hourStart); from < hourEnd; ) {
        long to = k < cuts.length ? Math.min(hourEnd, cuts[k]) : hourEnd;
        out.accept(from, to, perHour, k == 0 ? null : liftFrom[k - 1]);
        from = to;
        while (k < cuts.length && cuts[k] <= from) {
          k++;
        }
      }
    }
  }

  private static void draw(SplittableRandom rng, double[] ratePerDay, double perHour,
      double[] lift, long from, long to, List<long[]> out) {
    double[] mean = means(ratePerDay, perHour, lift, from, to);
    double total = total(mean);
    // Drawing the total and then the name of each event is the same as one Poisson per name.
    int count = poisson(rng, total);
    for (int k = 0; k < count; k++) {
      long at = from + (long) (rng.nextDouble() * (to - from));
      out.add(new long[] {at, name(rng, mean, total)});
    }
  }

  private static void drawSessions(SplittableRandom rng, double[] ratePerDay, double perHour,
      double[] lift, long from, long to, long cut, List<long[]> out) {
    double[] mean = means(ratePerDay, perHour, lift, from, to);
    double total = total(mean);
    int count = poisson(rng, total / SESSION_SIZE);
    for (int k = 0; k < count; k++) {
      double start = from + rng.nextDouble() * (to - from);
      // 1 + Geometric: after each event the session goes on with chance 1 - 1 / SESSION_SIZE.
      int size = 1 + (int) Math.floor(Math.log(1 - rng.nextDouble()) / LOG_GO_ON);
      for (int j = 0; j < size; j++) {
        double at = j == 0 ? start : start + rng.nextDouble() * SESSION_SECONDS;
        int e = name(rng, mean, total);
        if (at < cut) {
          out.add(new long[] {(long) at, e});
        }
      }
    }
  }

  private static double[] means(double[] ratePerDay, double perHour, double[] lift, long from,
      long to) {
    double[] mean = new double[ratePerDay.length];
    for (int e = 0; e < mean.length; e++) {
      mean[e] = ratePerDay[e] * perHour * (to - from) / 3600.0 * (lift == null ? 1 : lift[e]);
    }
    return mean;
  }

  /** A plain sum: a compensated one would move the plain demo's draws by a rounding. */
  private static double total(double[] mean) {
    double total = 0;
    for (double m : mean) {
      total += m;
    }
    return total;
  }

  /** An event index drawn in proportion to the means. */
  private static int name(SplittableRandom rng, double[] mean, double total) {
    double u = rng.nextDouble() * total;
    int e = 0;
    while (e < mean.length - 1 && u >= mean[e]) {
      u -= mean[e++];
    }
    return e;
  }

  /**
   * Poisson draw by inversion. The means here are tiny (most hours have none), which is where
   * inversion is cheapest; building a Commons Math distribution per hour would dominate the run.
   */
  static int poisson(SplittableRandom rng, double mean) {
    int count = 0;
    for (; mean > 30; mean -= 30) { // a sum of Poissons is Poisson; keeps exp(-mean) far from 0
      count += poisson(rng, 30);
    }
    return count + inversion(rng.nextDouble(), mean);
  }

  /** The Poisson count of mean {@code mean} (at most 30) whose distribution function first reaches {@code u}. */
  static int inversion(double u, double mean) {
    double p = Math.exp(-mean);
    double cdf = p;
    int x = 0;
    while (u > cdf && x < 1000) {
      x++;
      p *= mean / x;
      cdf += p;
    }
    return x;
  }

  private static Map<String, Object> metadata(SplittableRandom rng, String name, ContactModel m) {
    Map<String, Object> meta = new LinkedHashMap<>();
    int item = rng.nextInt(ITEMS.length);
    switch (name) {
      case "app_open" -> meta.put("platform", m.contact().properties().get("platform"));
      case "view_item" -> {
        meta.put("item_id", ITEMS[item]);
        meta.put("category", CATEGORIES[item % CATEGORIES.length]);
      }
      case "add_to_cart" -> {
        meta.put("item_id", ITEMS[item]);
        meta.put("quantity", 1 + rng.nextInt(3));
      }
      case "purchase" -> {
        double usd = Math.exp(Math.log(30) + 0.6 * rng.nextGaussian());
        meta.put("item_id", ITEMS[item]);
        meta.put("amount", Math.round(usd * m.zone().perUsd() * 100) / 100.0);
        meta.put("currency", m.zone().currency());
      }
      case DemoCatalog.RARE_EVENT -> meta.put("plan", "pro");
      default -> {
        return null;
      }
    }
    return meta;
  }
}
