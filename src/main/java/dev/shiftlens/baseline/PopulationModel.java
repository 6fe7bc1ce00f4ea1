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
 * into exposure, and per event name the Gamma prior that sparse contacts' rates are shrunk toward.
 * Fitted from a sample of contacts' hourly counts over whole weeks. Immutable; any thread.
 *
 * @param priors per event name; a name missing here gets no shrinkage
 * @param contacts contacts in the sample
 * @param events events in the sample
 */
public record PopulationModel(HourOfWeekProfile profile, Map<String, GammaPrior> priors, long contacts, long events) {
  /** Below this many events the sample says too little about the hours of the week: the profile stays flat. */
  static final long MIN_PROFILE_EVENTS = 500;
  /** Contacts seen for less than a day tell little about their rate and are left out of the priors. */
  private static final double MIN_PRIOR_EXPOSURE_HOURS = 24;

  public PopulationModel {
    priors = Map.copyOf(priors);
  }

  /** No sample: flat profile, no shrinkage. */
  public static PopulationModel empty() {
    return new PopulationModel(HourOfWeekProfile.flat(), Map.of(), 0, 0);
  }

  public GammaPrior prior(String eventName) {
    return priors.get(eventName);
  }

  /**
   * Fits the model to the contacts' events in {@code [fromMillis, toMillis)}, which should span whole
   * weeks so that every hour of the week is equally represented. Each contact's events are placed
   * in the hours of the week of its own zone. The population is the contacts active in the span:
   * those without an event in it are left out (the store samples only those, as finding the others
   * would mean reading all history).
   */
  public static PopulationModel fit(Collection<ContactHistory> histories, long fromMillis, long toMillis) {
    List<ContactHistory> sample = histories.stream()
        .filter(h -> h.series().values().stream().anyMatch(s -> s.count(fromMillis, toMillis) > 0))
        .toList();
    double[] byHour = new double[HourOfWeekProfile.HOURS];
    long events = 0;
    for (ContactHistory h : sample) {
      for (ContactHistory.Series s : h.series().values()) {
        long[] hours = s.hours();
        for (int i = 0; i < hours.length; i++) {
          long at = hours[i] * 3_600_000L;
          if (at < fromMillis || at >= toMillis) continue;
          byHour[HourOfWeekProfile.hourOfWeek(at, h.zone())] += s.counts()[i];
          events += s.counts()[i];
        }
      }
    }
    HourOfWeekProfile profile = events >= MIN_PROFILE_EVENTS ? HourOfWeekProfile.fromCounts(byHour) : HourOfWeekProfile.flat();

    // Method-of-moments priors over every contact of the sample, a zero count where it lacks the name.
    TreeSet<String> names = new TreeSet<>();
    sample.forEach(h -> names.addAll(h.eventNames()));
    List<ContactHistory> observed = new ArrayList<>();
    List<Double> exposures = new ArrayList<>();
    for (ContactHistory h : sample) {
      long from = Math.max(fromMillis, h.firstSeenMillis());
      if (from >= toMillis) continue;
      double e = profile.exposure(h.zone(), from, toMillis);
      if (e < MIN_PRIOR_EXPOSURE_HOURS) continue;
      observed.add(h);
      exposures.add(e);
    }
    Map<String, GammaPrior> priors = new HashMap<>();
    if (observed.size() >= 2) {
      double[] e = exposures.stream().mapToDouble(Double::doubleValue).toArray();
      for (String name : names) {
        double[] y = new double[observed.size()];
        for (int i = 0; i < y.length; i++) {
          ContactHistory h = observed.get(i);
          ContactHistory.Series s = h.series().get(name);
          y[i] = s == null ? 0 : s.count(Math.max(fromMillis, h.firstSeenMillis()), toMillis);
        }
        GammaPrior prior = GammaPrior.fit(y, e);
        if (prior.mean() > 0) priors.put(name, prior);
      }
    }
    return new PopulationModel(profile, priors, sample.size(), events);
  }
}
