package dev.shiftlens.baseline;

import dev.shiftlens.stats.GammaPrior;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the population says about any one contact: the hour-of-week profile that turns clock time
 * into exposure, per event name the Gamma prior that sparse contacts' rates are shrunk toward, and
 * per event name and time scale the pooled dispersion of counts ({@link Dispersion}). Fitted from a
 * sample of contacts' hourly counts over whole weeks. Immutable; any thread.
 *
 * @param priors per event name; a name missing here gets no shrinkage
 * @param dispersions per event name, the pooled dispersion per block length of {@link Dispersion#BLOCK_HOURS};
 *     a name missing here is taken as Poisson
 * @param clumps per event name, the pooled events per clump (session; {@link Dispersion#clumpSize}); 1 if missing
 * @param contacts contacts in the sample
 * @param events events in the sample
 */
public record PopulationModel(HourOfWeekProfile profile, Map<String, GammaPrior> priors,
    Map<String, double[]> dispersions, Map<String, Double> clumps, long contacts, long events) {
  /** Below this many events the sample says too little about the hours of the week: the profile stays flat. */
  static final long MIN_PROFILE_EVENTS = 500;
  /** Contacts seen for less than a day tell little about their rate and are left out of the priors. */
  private static final double MIN_PRIOR_EXPOSURE_HOURS = 24;
  /**
   * The most exposure a prior may weigh, as a share of the sample's mean exposure: a prior's rate
   * {@code b} is the exposure it weighs against a contact's own, and is capped at a quarter of a typical
   * contact's, so that no event name is ever pooled fully (see {@link GammaPrior#withRateAtMost}).
   */
  static final double MAX_PRIOR_EXPOSURE_SHARE = 0.25;

  public PopulationModel {
    priors = Map.copyOf(priors);
    dispersions = Map.copyOf(dispersions);
    clumps = Map.copyOf(clumps);
  }

  public PopulationModel(HourOfWeekProfile profile, Map<String, GammaPrior> priors, long contacts, long events) {
    this(profile, priors, Map.of(), Map.of(), contacts, events);
  }

  /** No sample: flat profile, no shrinkage, Poisson counts. */
  public static PopulationModel empty() {
    return new PopulationModel(HourOfWeekProfile.flat(), Map.of(), Map.of(), Map.of(), 0, 0);
  }

  public GammaPrior prior(String eventName) {
    return priors.get(eventName);
  }

  /** The pooled dispersion of the name's counts over blocks of {@code blockHours} (one of {@link Dispersion#BLOCK_HOURS}); 1 if unknown. */
  public double dispersion(String eventName, int blockHours) {
    double[] d = dispersions.get(eventName);
    return d == null ? 1 : d[Dispersion.index(blockHours)];
  }

  /** The latest profile's zone inference: built once per profile (some tens of milliseconds), shared by every thread. */
  private static volatile ZoneInference lastZones;

  /** Infers the zones of contacts that have none from their hours against this model's profile. */
  public ZoneInference zones() {
    ZoneInference z = lastZones;
    if (z == null || z.profile() != profile) {
      z = ZoneInference.forProfile(profile);
      lastZones = z;
    }
    return z;
  }

  /** A contact's history in the zone it is read in, and the profile it is read against. */
  public record Reading(ContactHistory history, HourOfWeekProfile profile) {}

  /**
   * How the engine reads a history: in its own zone when it has one; else in the zone its hours say
   * ({@link ZoneInference}); else against a flat profile, because a contact read in a zone that is not
   * its own sees the population's busy hours at the wrong time (an unchanged New York contact read in
   * UTC looks 2.5 times as active in the morning).
   */
  public Reading reading(ContactHistory history) {
    if (history.zoneKnown()) return new Reading(history, profile);
    return placed(zones(), history).map(h -> new Reading(h, profile))
        .orElseGet(() -> new Reading(history, HourOfWeekProfile.flat()));
  }

  /** The history in the zone its hours say, when they say one. */
  private static java.util.Optional<ContactHistory> placed(ZoneInference zones, ContactHistory history) {
    return zones.infer(history.series().values()).map(e -> history.inZone(e.offset()));
  }

  /** How one contact counts one event name: events per clump and the dispersion of clumps at a time scale. */
  public record Counting(double clump, double dispersion) {}

  /**
   * The contact's own clump size and dispersion of a name over its baseline hours (the grid), shrunk
   * toward this population's for the name ({@link Dispersion}); the population's alone when the contact
   * has no event of the name in its baseline.
   */
  public Counting counting(String eventName, HourGrid grid, ContactHistory.Series series, long baselineCount,
      int blockHours) {
    int[] hourly = series == null || baselineCount == 0 ? null : grid.counts(series);
    Dispersion.Pearson own = hourly == null ? Dispersion.Pearson.NONE : grid.pearson(hourly, blockHours);
    double phi = Dispersion.shrunk(own, dispersion(eventName, blockHours));
    double clump = Dispersion.shrunkClump(hourly == null ? new double[] {1, 0, 0} : grid.clumpSize(hourly), clump(eventName));
    return new Counting(clump, phi);
  }

  /** The pooled events per clump of the name; 1 if unknown. */
  public double clump(String eventName) {
    return clumps.getOrDefault(eventName, 1.0);
  }

  /** {@link #fit(Collection, Map, long, long)} with no response windows to leave out. */
  public static PopulationModel fit(Collection<ContactHistory> histories, long fromMillis, long toMillis) {
    return fit(histories, Map.of(), fromMillis, toMillis);
  }

  /**
   * Fits the model to the contacts' events in {@code [fromMillis, toMillis)}, which should span whole
   * weeks so that every hour of the week is equally represented. Each contact's events are placed in the
   * hours of the week of its own zone.
   *
   * <p>Only time outside response windows counts ({@code windows}, per contact id): messages change
   * behavior there, and a campaign sent every day at 8:00 would otherwise teach the profile that 8:00 is
   * busy and hide its own effect. So the profile is a rate per hour of the week over the contact-hours
   * that count, not a plain count, and each contact is read at its own level ({@link #hourOfWeekFactor}):
   * the contacts left out of an hour are not a fair sample of the population's levels. Priors and
   * dispersions use the same hours.
   *
   * <p>The population is every contact of the sample seen before {@code toMillis}, with or without events
   * in the span: contacts that lapsed are evaluated too, and a prior fitted on active contacts alone
   * expects too much of them. A contact's first hours ({@link Baseline#FIRST_HOURS_LEFT_OUT}) never count.
   */
  public static PopulationModel fit(Collection<ContactHistory> histories, Map<String, List<Baseline.Span>> windows,
      long fromMillis, long toMillis) {
    List<ContactHistory> sample = new ArrayList<>();
    List<long[]> spans = new ArrayList<>(); // {from, to} per contact of the sample
    for (ContactHistory h : histories) {
      long from = Math.max(fromMillis, Baseline.firstCounted(h));
      if (from >= toMillis) continue;
      sample.add(h);
      spans.add(new long[] {from, toMillis});
    }

    // The profile: per contact, its hours that count and its events, by local hour of the week.
    List<double[]> hoursOfWeek = new ArrayList<>();
    List<double[]> eventsOfWeek = new ArrayList<>();
    long events = 0;
    HourOfWeekProfile flat = HourOfWeekProfile.flat();
    for (int i = 0; i < sample.size(); i++) {
      ContactHistory h = sample.get(i);
      // Contacts without a zone would smear their busy hours over the profile: it is fitted without them.
      if (!h.zoneKnown()) continue;
      long from = spans.get(i)[0];
      HourGrid grid = HourGrid.of(h.zone(), from, toMillis, windows.getOrDefault(h.contactId(), List.of()), flat);
      int[] how = HourOfWeekProfile.hoursOfWeek(h.zone(), from, grid.hours());
      double[] hw = new double[HourOfWeekProfile.HOURS];
      double[] yw = new double[HourOfWeekProfile.HOURS];
      for (int t = 0; t < grid.hours(); t++) if (grid.counted(t)) hw[how[t]]++;
      for (ContactHistory.Series s : h.series().values()) {
        int[] c = grid.counts(s);
        for (int t = 0; t < c.length; t++) {
          if (c[t] == 0 || !grid.counted(t)) continue;
          yw[how[t]] += c[t];
          events += c[t];
        }
      }
      hoursOfWeek.add(hw);
      eventsOfWeek.add(yw);
    }
    double[] rates = hourOfWeekFactor(hoursOfWeek, eventsOfWeek);
    HourOfWeekProfile profile = events >= MIN_PROFILE_EVENTS ? HourOfWeekProfile.fromCounts(rates) : HourOfWeekProfile.flat();

    // Contacts without a zone enter the priors in the zone their hours say (whole weeks weigh the same
    // in any zone, so one that cannot be placed is read in UTC).
    if (sample.stream().anyMatch(h -> !h.zoneKnown())) {
      ZoneInference zones = ZoneInference.forProfile(profile);
      for (int i = 0; i < sample.size(); i++) {
        ContactHistory h = sample.get(i);
        if (h.zoneKnown()) continue;
        sample.set(i, placed(zones, h).orElse(h));
      }
    }
    // Priors and dispersions over every contact of the sample, a zero count where it lacks the name.
    TreeSet<String> names = new TreeSet<>();
    sample.forEach(h -> names.addAll(h.eventNames()));
    List<ContactHistory> observed = new ArrayList<>();
    List<HourGrid> grids = new ArrayList<>();
    List<Double> exposures = new ArrayList<>();
    for (int i = 0; i < sample.size(); i++) {
      ContactHistory h = sample.get(i);
      HourGrid grid = HourGrid.of(h.zone(), spans.get(i)[0], toMillis, windows.getOrDefault(h.contactId(), List.of()), profile);
      double e = grid.countedExposure();
      if (e < MIN_PRIOR_EXPOSURE_HOURS) continue;
      observed.add(h);
      grids.add(grid);
      exposures.add(e);
    }
    Map<String, GammaPrior> priors = new HashMap<>();
    Map<String, double[]> dispersions = new HashMap<>();
    Map<String, Double> clumps = new HashMap<>();
    if (observed.size() >= 2) {
      double[] e = exposures.stream().mapToDouble(Double::doubleValue).toArray();
      double meanE = java.util.Arrays.stream(e).average().orElse(0);
      for (String name : names) {
        double[] y = new double[observed.size()];
        List<List<Dispersion.Pearson>> pearsons = new ArrayList<>();
        List<double[]> clumpSizes = new ArrayList<>();
        for (int b = 0; b < Dispersion.BLOCK_HOURS.length; b++) pearsons.add(new ArrayList<>());
        for (int i = 0; i < y.length; i++) {
          ContactHistory.Series s = observed.get(i).series().get(name);
          if (s == null) continue;
          int[] c = grids.get(i).counts(s);
          y[i] = grids.get(i).countedEvents(c);
          if (y[i] < Dispersion.MIN_POOL_EVENTS) continue;
          clumpSizes.add(grids.get(i).clumpSize(c));
          for (int b = 0; b < Dispersion.BLOCK_HOURS.length; b++) {
            pearsons.get(b).add(grids.get(i).pearson(c, Dispersion.BLOCK_HOURS[b]));
          }
        }
        GammaPrior prior = GammaPrior.fit(y, e);
        if (prior.mean() > 0) priors.put(name, prior.withRateAtMost(MAX_PRIOR_EXPOSURE_SHARE * meanE));
        double[] pooled = new double[Dispersion.BLOCK_HOURS.length];
        for (int b = 0; b < pooled.length; b++) pooled[b] = Dispersion.pooled(pearsons.get(b));
        dispersions.put(name, pooled);
        clumps.put(name, Dispersion.pooledClump(clumpSizes));
      }
    }
    return new PopulationModel(profile, priors, dispersions, clumps, sample.size(), events);
  }

  /** Iterations of the profile's fit at most; it stops earlier once no weight moves by more than 1e-9. */
  private static final int MAX_FACTOR_ITERATIONS = 200;

  /**
   * The hour-of-week factor of the multiplicative model {@code E[y_iw] = lambda_i s_w h_iw}: contact
   * {@code i}'s events {@code y_iw} in its {@code h_iw} hours that count at local hour of the week
   * {@code w}, its own level {@code lambda_i}. Fitted by Poisson maximum likelihood, alternating the two
   * closed-form updates (iterative proportional fitting) {@code s_w = sum_i y_iw / sum_i lambda_i h_iw}
   * and {@code lambda_i = sum_w y_iw / sum_w s_w h_iw}. Returned scaled to the sample's events (the
   * counts {@link HourOfWeekProfile#fromCounts} smooths), 0 for an hour of the week with no hour that
   * counts.
   *
   * <p>Why not events over contact-hours at each hour of the week: the hours left out (response windows)
   * are not the same for every contact, and contacts' levels differ by orders of magnitude. A campaign
   * sent every day at 08:00 leaves its contacts out of 08:00-14:00 only, so that ratio reads those hours
   * at the level of the other contacts and every other hour at the level of all: with a few heavy
   * contacts on either side, the campaign's hours came out 3-6% off against the rest of the day, and
   * its contacts' expected counts with them. Here each contact is read at its own level wherever it
   * counts, so leaving its hours out changes no hour's weight.
   */
  static double[] hourOfWeekFactor(List<double[]> hours, List<double[]> events) {
    int n = hours.size(), weeks = HourOfWeekProfile.HOURS;
    double[] level = new double[n];
    double[] own = new double[n];
    double[] byHour = new double[weeks];
    double total = 0;
    for (int i = 0; i < n; i++) {
      double y = 0, h = 0;
      for (int w = 0; w < weeks; w++) {
        y += events.get(i)[w];
        h += hours.get(i)[w];
        byHour[w] += events.get(i)[w];
      }
      own[i] = y;
      level[i] = h > 0 ? y / h : 0;
      total += y;
    }
    double[] s = new double[weeks];
    for (int iteration = 0; iteration < MAX_FACTOR_ITERATIONS; iteration++) {
      double[] exposure = new double[weeks];
      for (int i = 0; i < n; i++) {
        if (level[i] == 0) continue;
        double[] h = hours.get(i);
        for (int w = 0; w < weeks; w++) exposure[w] += level[i] * h[w];
      }
      double moved = 0;
      for (int w = 0; w < weeks; w++) {
        double next = exposure[w] > 0 ? byHour[w] / exposure[w] : 0;
        moved = Math.max(moved, Math.abs(next - s[w]) / Math.max(next, 1e-300));
        s[w] = next;
      }
      for (int i = 0; i < n; i++) {
        if (own[i] == 0) continue;
        double[] h = hours.get(i);
        double e = 0;
        for (int w = 0; w < weeks; w++) e += s[w] * h[w];
        level[i] = e > 0 ? own[i] / e : 0;
      }
      if (moved < 1e-9) break;
    }
    double sum = 0;
    for (double x : s) sum += x;
    double[] counts = new double[weeks];
    if (sum > 0) for (int w = 0; w < weeks; w++) counts[w] = s[w] * total / sum;
    return counts;
  }
}
