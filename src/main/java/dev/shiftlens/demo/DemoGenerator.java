package dev.shiftlens.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Builds the demo dataset: contacts spread over time zones with heterogeneous activity, sends in
 * the last week of the span, planted effects, and the ground truth. Pure and deterministic:
 * the same {@link DemoSpec} always gives the same dataset.
 */
public final class DemoGenerator {
  /** Chance that a contact gets a send on a given local day of the send week. */
  private static final double SEND_CHANCE_PER_DAY = 0.35;
  /** Windows close this long before the anchor, so every send can be evaluated once loaded. */
  private static final Duration WINDOW_MARGIN = Duration.ofHours(2);
  /**
   * Shape of the Gamma activity multiplier (mean 1). Below 1, most contacts are sparse and a few
   * are heavy, as in real apps; the top tenth of contacts makes close to half of the events.
   */
  private static final double ACTIVITY_SHAPE = 0.5;
  /** Shape of the per-event-name multiplier (mean 1): contacts differ mildly in what they do. */
  private static final double TASTE_SHAPE = 4;

  private DemoGenerator() {}

  public static DemoDataset generate(DemoSpec spec) {
    double[] profile = DemoCatalog.hourOfWeekProfile();
    RandomGenerator rng = new Well19937c(spec.seed());
    GammaDistribution activity = new GammaDistribution(rng, ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE);
    GammaDistribution taste = new GammaDistribution(rng, TASTE_SHAPE, 1 / TASTE_SHAPE);
    Map<String, int[]> clocks = new HashMap<>();

    List<ContactModel> models = new ArrayList<>(spec.contacts());
    int sendCount = 0;
    for (int i = 0; i < spec.contacts(); i++) {
      DemoCatalog.Zone zone = pick(rng, DemoCatalog.ZONES, DemoCatalog.Zone::weight);
      DemoContact contact = contact(rng, i, zone);
      double level = activity.sample();
      double[] rates = new double[DemoCatalog.EVENTS.size()];
      for (int e = 0; e < rates.length; e++) {
        rates[e] = DemoCatalog.EVENTS.get(e).perDay() * level * taste.sample();
      }
      List<DemoSend> sends = sends(rng, spec, contact, sendCount);
      sendCount += sends.size();
      int[] clock = clocks.computeIfAbsent(zone.id(), z -> hourOfWeek(spec, ZoneId.of(z)));
      models.add(new ContactModel(i, contact, zone, rates, clock, sends, effects(sends)));
    }

    // One pass over the events to count what landed in each window; the dataset streams them again.
    EventSampler sampler = new EventSampler(spec, profile);
    List<SendTruth> truths = new ArrayList<>(sendCount);
    Map<String, Map<String, Double>> ratePerDay = new HashMap<>();
    long events = 0;
    for (ContactModel m : models) {
      List<DemoEvent> contactEvents = sampler.events(m, events);
      events += contactEvents.size();
      for (DemoSend s : m.sends()) {
        truths.add(truth(m, s, sampler, contactEvents));
      }
      Map<String, Double> rates = new LinkedHashMap<>();
      for (int e = 0; e < m.ratePerDay().length; e++) {
        rates.put(DemoCatalog.EVENTS.get(e).name(), m.ratePerDay()[e]);
      }
      ratePerDay.put(m.contact().contactId(), rates);
    }
    List<Double> profileList = Arrays.stream(profile).boxed().toList();
    List<DemoMessage> messages = DemoCatalog.MESSAGES.stream().map(DemoCatalog.MessagePlan::message)
        .toList();
    GroundTruth truth = new GroundTruth(spec.seed(), spec.anchor(), spec.days(), profileList,
        messages, ratePerDay, truths, events);
    return new DemoDataset(spec, models, truth, sampler);
  }

  private static DemoContact contact(RandomGenerator rng, int index, DemoCatalog.Zone zone) {
    String id = String.format("c%05d", index + 1);
    boolean push = rng.nextDouble() < 0.7;
    boolean email = rng.nextDouble() < 0.8;
    boolean sms = rng.nextDouble() < 0.4;
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("plan", rng.nextDouble() < 0.2 ? "pro" : "free");
    props.put("age_band", pick(rng, List.of("18-24", "25-34", "35-44", "45-54", "55+"),
        band -> band.equals("25-34") ? 3 : band.equals("55+") ? 1 : 2));
    props.put("signup_days", 1 + (int) (-Math.log(1 - rng.nextDouble()) * 250));
    props.put("platform", rng.nextDouble() < 0.45 ? "ios" : "android");
    props.put("opted_in_push", push);
    props.put("opted_in_email", email);
    props.put("opted_in_sms", sms);
    return new DemoContact(id, zone.country(), zone.id(),
        push ? String.format("pt-%016x", rng.nextLong()) : null,
        sms ? zone.phonePrefix() + (100_000_000 + rng.nextInt(900_000_000)) : null,
        email ? "user" + (index + 1) + "@example.com" : null,
        props);
  }

  /**
   * At most one send per local day of the send week, at a busy local hour, on a channel the contact
   * can be reached on; a send whose window would overlap the previous one is skipped.
   */
  private static List<DemoSend> sends(RandomGenerator rng, DemoSpec spec, DemoContact contact,
      int firstId) {
    ZoneId zone = ZoneId.of(contact.timezone());
    List<DemoCatalog.MessagePlan> reachable = DemoCatalog.MESSAGES.stream()
        .filter(p -> reachable(contact, p.message().channel())).toList();
    Instant lastEnd = spec.anchor().minus(WINDOW_MARGIN);
    Instant busyUntil = spec.sendsFrom();
    List<DemoSend> sends = new ArrayList<>();
    LocalDate last = spec.anchor().atZone(zone).toLocalDate();
    for (LocalDate day = spec.sendsFrom().atZone(zone).toLocalDate(); !day.isAfter(last);
        day = day.plusDays(1)) {
      if (rng.nextDouble() >= SEND_CHANCE_PER_DAY) {
        continue;
      }
      int hour = DemoCatalog.SEND_HOURS[rng.nextInt(DemoCatalog.SEND_HOURS.length)];
      int minute = rng.nextBoolean() ? 0 : rng.nextInt(60); // scheduled campaigns vs triggers
      DemoMessage message = pick(rng, reachable, DemoCatalog.MessagePlan::weight).message();
      boolean holdout = rng.nextDouble() < message.holdoutShare();
      Instant sentAt = ZonedDateTime.of(day, LocalTime.of(hour, minute), zone).toInstant();
      DemoSend send = new DemoSend("s-" + spec.seed() + "-" + (firstId + sends.size()),
          contact.contactId(), message.messageId(), message.channel(), sentAt,
          message.windowHours(), message.labels(), holdout);
      if (sentAt.isBefore(busyUntil) || send.windowEnd().isAfter(lastEnd)) {
        continue;
      }
      sends.add(send);
      busyUntil = send.windowEnd();
    }
    return sends;
  }

  private static boolean reachable(DemoContact contact, String channel) {
    return switch (channel) {
      case "push" -> contact.pushToken() != null;
      case "sms" -> contact.phoneNumber() != null;
      case "email" -> contact.emailAddress() != null;
      default -> true;
    };
  }

  /** A holdout send was not delivered, so only delivered sends of effective messages plant one. */
  private static List<ContactModel.Effect> effects(List<DemoSend> sends) {
    List<ContactModel.Effect> effects = new ArrayList<>();
    for (DemoSend s : sends) {
      DemoMessage message = messageOf(s);
      if (s.holdout() || !message.hasEffect()) {
        continue;
      }
      double[] lift = DemoCatalog.eventNames().stream().mapToDouble(message::liftFor).toArray();
      effects.add(new ContactModel.Effect(s.sentAt().getEpochSecond(),
          s.windowEnd().getEpochSecond(), lift));
    }
    return effects;
  }

  private static SendTruth truth(ContactModel m, DemoSend s, EventSampler sampler,
      List<DemoEvent> events) {
    DemoMessage message = messageOf(s);
    Map<String, Double> lift = new LinkedHashMap<>();
    Map<String, Integer> observed = new LinkedHashMap<>();
    for (String name : DemoCatalog.eventNames()) {
      lift.put(name, s.holdout() ? 1.0 : message.liftFor(name));
      observed.put(name, 0);
    }
    for (DemoEvent e : events) {
      if (!e.timestamp().isBefore(s.sentAt()) && e.timestamp().isBefore(s.windowEnd())) {
        observed.merge(e.eventName(), 1, Integer::sum);
      }
    }
    Map<String, Double> expected = sampler.expected(m, s.sentAt().getEpochSecond(),
        s.windowEnd().getEpochSecond());
    return new SendTruth(s.sendId(), s.contactId(), s.messageId(), s.sentAt(), s.windowEnd(),
        s.holdout(), lift, expected, observed);
  }

  private static DemoMessage messageOf(DemoSend send) {
    return DemoCatalog.MESSAGES.stream().map(DemoCatalog.MessagePlan::message)
        .filter(m -> m.messageId().equals(send.messageId())).findFirst().orElseThrow();
  }

  /** For each UTC hour of the span, the local hour of the week (Monday 00:00 = 0) at its start. */
  private static int[] hourOfWeek(DemoSpec spec, ZoneId zone) {
    int[] clock = new int[spec.days() * 24];
    long start = spec.spanStart().getEpochSecond();
    for (int i = 0; i < clock.length; i++) {
      long utc = start + 3600L * i;
      long local = utc + zone.getRules().getOffset(Instant.ofEpochSecond(utc)).getTotalSeconds();
      // Day 0 of the epoch, 1970-01-01, was a Thursday: day 3 of a week that starts on Monday.
      clock[i] = (int) Math.floorMod(Math.floorDiv(local, 3600) + 3 * 24, 168);
    }
    return clock;
  }

  private static <T> T pick(RandomGenerator rng, List<T> items, ToDoubleFunction<T> weight) {
    double total = items.stream().mapToDouble(weight).sum();
    double u = rng.nextDouble() * total;
    for (T item : items) {
      u -= weight.applyAsDouble(item);
      if (u < 0) {
        return item;
      }
    }
    return items.get(items.size() - 1);
  }

  /** A well-mixed seed for one random stream of one contact (SplitMix64 finalizer). */
  static long streamSeed(long seed, long stream, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
