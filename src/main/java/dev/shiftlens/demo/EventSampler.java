package dev.shiftlens.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The rate model of a contact's activity: draws its events and integrates its expected counts.
 *
 * <p>The rate of event {@code e} at a moment of UTC hour {@code i} is
 * {@code ratePerDay[e] / 24 * profile[hourOfWeek[i]] * lift}, where lift is that of a planted
 * effect covering the moment, else 1. Counts are Poisson over each stretch of constant rate and
 * times uniform within it. Each contact has its own random stream, so its events are the same
 * however often and in whatever order they are drawn.
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

  private final DemoSpec spec;
  private final double[] profile;
  private final List<String> names = DemoCatalog.eventNames();

  EventSampler(DemoSpec spec, double[] profile) {
    this.spec = spec;
    this.profile = profile;
  }

  /** The contact's events in time order, with instance ids numbered from {@code firstId}. */
  List<DemoEvent> events(ContactModel m, long firstId) {
    SplittableRandom rng =
        new SplittableRandom(DemoGenerator.streamSeed(spec.seed(), 2, m.index()));
    List<long[]> drawn = new ArrayList<>(); // {epoch second, event index}
    long spanStart = spec.spanStart().getEpochSecond();
    for (int i = 0; i < m.hourOfWeek().length; i++) {
      long hourStart = spanStart + 3600L * i;
      long hourEnd = hourStart + 3600;
      double perHour = profile[m.hourOfWeek()[i]] / 24;
      // Cut the hour where an effect starts or ends, so each piece has one constant rate.
      for (long from = hourStart; from < hourEnd; ) {
        ContactModel.Effect effect = null;
        long to = hourEnd;
        for (ContactModel.Effect f : m.effects()) {
          if (f.start() <= from && from < f.end()) {
            effect = f;
            to = Math.min(hourEnd, f.end());
            break;
          }
          if (f.start() > from && f.start() < to) {
            to = f.start();
          }
        }
        draw(rng, m.ratePerDay(), perHour, effect, from, to, drawn);
        from = to;
      }
    }
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
    long spanStart = spec.spanStart().getEpochSecond();
    double exposureDays = 0; // sum over the hours of profile x share of the hour covered, / 24
    for (int i = (int) ((from - spanStart) / 3600); i * 3600L + spanStart < to; i++) {
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

  private static void draw(SplittableRandom rng, double[] ratePerDay, double perHour,
      ContactModel.Effect effect, long from, long to, List<long[]> out) {
    double[] mean = new double[ratePerDay.length];
    double total = 0;
    for (int e = 0; e < mean.length; e++) {
      double lift = effect == null ? 1 : effect.lift()[e];
      mean[e] = ratePerDay[e] * perHour * (to - from) / 3600.0 * lift;
      total += mean[e];
    }
    // Drawing the total and then the name of each event is the same as one Poisson per name.
    int count = poisson(rng, total);
    for (int k = 0; k < count; k++) {
      long at = from + (long) (rng.nextDouble() * (to - from));
      double u = rng.nextDouble() * total;
      int e = 0;
      while (e < mean.length - 1 && u >= mean[e]) {
        u -= mean[e++];
      }
      out.add(new long[] {at, e});
    }
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
    double p = Math.exp(-mean);
    double cdf = p;
    double u = rng.nextDouble();
    int x = 0;
    while (u > cdf && x < 1000) {
      x++;
      p *= mean / x;
      cdf += p;
    }
    return count + x;
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
      default -> {
        return null;
      }
    }
    return meta;
  }
}
