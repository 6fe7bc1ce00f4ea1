package dev.shiftlens.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Builds the demo dataset: contacts spread over time zones with heterogeneous activity, sends in
 * the last days of the span, planted effects, and the ground truth. The {@link Behavior} of the
 * spec says which departures from plain Poisson data to add (sessions, frequent overlapping sends,
 * a daily campaign, a rare event, lapsed contacts, contacts without a zone). Pure and
 * deterministic: the same {@link DemoSpec} always gives the same dataset.
 */
public final class DemoGenerator {
  /** Share of contacts with a push token. */
  private static final double PUSH_SHARE = 0.7;
  /** A lapsing contact stops between this many days before the anchor and 30 days earlier. */
  private static final double LAPSE_DAYS_FROM = 10;
  private static final double LAPSE_DAYS_SPREAD = 30;
  /** How far before a window an effect can still reach into it: a session's length. */
  private static final long SESSION_TRAIL_SECONDS = 3600;
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
    Behavior behavior = spec.behavior();
    double[] profile = DemoCatalog.hourOfWeekProfile();
    RandomGenerator rng = new Well19937c(spec.seed());
    GammaDistribution activity = new GammaDistribution(rng, ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE);
    GammaDistribution taste = new GammaDistribution(rng, TASTE_SHAPE, 1 / TASTE_SHAPE);
    Map<String, int[]> clocks = new HashMap<>();
    List<DemoCatalog.EventType> eventTypes = DemoCatalog.events(behavior);
    List<DemoMessage> messages = DemoCatalog.messages(behavior);
    Map<String, DemoMessage> messageById = new HashMap<>();
    messages.forEach(m -> messageById.put(m.messageId(), m));

    List<ContactModel> models = new ArrayList<>(spec.contacts());
    int sendCount = 0;
    for (int i = 0; i < spec.contacts(); i++) {
      // What the plain demo does not have comes from a stream of its own, so that the plain
      // demo's draws, and the contacts and sends of the behaviors that share its plan, stay put.
      SplittableRandom extra = new SplittableRandom(streamSeed(spec.seed(), 3, i));
      boolean noZone = extra.nextDouble() < behavior.noZoneShare();
      boolean lapses = extra.nextDouble() < behavior.lapsedShare();
      double lapseDaysBefore = LAPSE_DAYS_FROM + extra.nextDouble() * LAPSE_DAYS_SPREAD;
      double campaignDraw = extra.nextDouble();

      DemoCatalog.Zone zone = pick(rng, DemoCatalog.ZONES, DemoCatalog.Zone::weight);
      DemoContact contact = contact(rng, i, zone, noZone);
      double level = activity.sample();
      double[] rates = new double[eventTypes.size()];
      for (int e = 0; e < DemoCatalog.EVENTS.size(); e++) {
        rates[e] = DemoCatalog.EVENTS.get(e).perDay() * level * taste.sample();
      }
      // The rare event varies between contacts with their activity level only.
      for (int e = DemoCatalog.EVENTS.size(); e < rates.length; e++) {
        rates[e] = eventTypes.get(e).perDay() * level;
      }
      ZoneId zoneId = ZoneId.of(zone.id());
      List<DemoSend> sends = behavior.overlappingSends()
          ? frequentSends(rng, spec, contact, zoneId, sendCount)
          : sends(rng, spec, contact, zoneId, sendCount);
      // A push campaign reaches contacts with a push token only: choosing among them with
      // share / PUSH_SHARE makes the campaign's share of all contacts the behavior's.
      if (contact.pushToken() != null
          && campaignDraw < Math.min(1, behavior.campaignShare() / PUSH_SHARE)) {
        sends = withCampaign(rng, spec, contact, zoneId, sends, sendCount);
      }
      sendCount += sends.size();
      int[] clock = clocks.computeIfAbsent(zone.id(), z -> hourOfWeek(spec, ZoneId.of(z)));
      long activeUntil = spec.anchor().getEpochSecond();
      if (lapses) {
        activeUntil -= Math.round(lapseDaysBefore * 86_400);
      }
      models.add(new ContactModel(i, contact, zone, rates, clock, sends,
          effects(sends, messageById, eventTypes), activeUntil));
    }

    // One pass over the events to count what landed in each window; the dataset streams them again.
    EventSampler sampler = new EventSampler(spec, profile);
    List<SendTruth> truths = new ArrayList<>(sendCount);
    Map<String, Map<String, Double>> ratePerDay = new HashMap<>();
    Map<String, String> zones = new HashMap<>();
    Map<String, Instant> lapsedAt = new HashMap<>();
    long events = 0;
    double expectedEvents = 0;
    for (ContactModel m : models) {
      List<DemoEvent> contactEvents = sampler.events(m, events);
      events += contactEvents.size();
      for (DemoSend s : m.sends()) {
        truths.add(truth(m, s, messageById.get(s.messageId()), sampler, contactEvents));
      }
      Map<String, Double> rates = new LinkedHashMap<>();
      for (int e = 0; e < m.ratePerDay().length; e++) {
        rates.put(eventTypes.get(e).name(), m.ratePerDay()[e]);
      }
      String id = m.contact().contactId();
      ratePerDay.put(id, rates);
      zones.put(id, m.zone().id());
      if (m.activeUntil() < spec.anchor().getEpochSecond()) {
        lapsedAt.put(id, Instant.ofEpochSecond(m.activeUntil()));
      }
      for (double x : sampler.integrate(m, spec.spanStart().getEpochSecond(),
          spec.anchor().getEpochSecond(), true)) {
        expectedEvents += x;
      }
    }
    List<Double> profileList = Arrays.stream(profile).boxed().toList();
    GroundTruth truth = new GroundTruth(spec.seed(), spec.anchor(), spec.days(), profileList,
        messages, ratePerDay, truths, events, behavior, zones, lapsedAt, expectedEvents);
    return new DemoDataset(spec, models, truth, sampler);
  }

  /** A contact's row; one without a zone still has a country, as rows often do. */
  private static DemoContact contact(RandomGenerator rng, int index, DemoCatalog.Zone zone,
      boolean noZone) {
    String id = String.format("c%05d", index + 1);
    boolean push = rng.nextDouble() < PUSH_SHARE;
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
    return new DemoContact(id, zone.country(), noZone ? null : zone.id(),
        push ? String.format("pt-%016x", rng.nextLong()) : null,
        sms ? zone.phonePrefix() + (100_000_000 + rng.nextInt(900_000_000)) : null,
        email ? "user" + (index + 1) + "@example.com" : null,
        props);
  }

  /**
   * At most one send per local day of the send period, at a busy local hour, on a channel the
   * contact can be reached on; a send whose window would overlap the previous one is skipped.
   */
  private static List<DemoSend> sends(RandomGenerator rng, DemoSpec spec, DemoContact contact,
      ZoneId zone, int firstId) {
    List<DemoCatalog.MessagePlan> reachable = DemoCatalog.MESSAGES.stream()
        .filter(p -> reachable(contact, p.message().channel())).toList();
    Instant lastEnd = spec.anchor().minus(WINDOW_MARGIN);
    Instant busyUntil = spec.sendsFrom();
    List<DemoSend> sends = new ArrayList<>();
    LocalDate last = spec.anchor().atZone(zone).toLocalDate();
    for (LocalDate day = spec.sendsFrom().atZone(zone).toLocalDate(); !day.isAfter(last);
        day = day.plusDays(1)) {
      if (rng.nextDouble() >= spec.behavior().sendsPerDay()) {
        continue;
      }
      DemoSend send = randomSend(rng, spec, contact, zone, reachable, day,
          firstId + sends.size());
      if (send.sentAt().isBefore(busyUntil) || send.windowEnd().isAfter(lastEnd)) {
        continue;
      }
      sends.add(send);
      busyUntil = send.windowEnd();
    }
    return sends;
  }

  /**
   * A Poisson number of sends per local day of the send period (mean
   * {@link Behavior#sendsPerDay()}), each at a busy local hour on a channel the contact can be
   * reached on. Windows may overlap, as they do when several campaigns and triggers target one
   * person; only sends outside the send period or whose window would close too late are dropped.
   */
  private static List<DemoSend> frequentSends(RandomGenerator rng, DemoSpec spec,
      DemoContact contact, ZoneId zone, int firstId) {
    List<DemoCatalog.MessagePlan> reachable = DemoCatalog.MESSAGES.stream()
        .filter(p -> reachable(contact, p.message().channel())).toList();
    List<DemoSend> sends = new ArrayList<>();
    LocalDate last = spec.anchor().atZone(zone).toLocalDate();
    for (LocalDate day = spec.sendsFrom().atZone(zone).toLocalDate(); !day.isAfter(last);
        day = day.plusDays(1)) {
      int count = poisson(rng, spec.behavior().sendsPerDay());
      for (int k = 0; k < count; k++) {
        DemoSend send = randomSend(rng, spec, contact, zone, reachable, day, 0);
        if (inSendPeriod(spec, send)) {
          sends.add(send);
        }
      }
    }
    return numbered(spec, sends, firstId);
  }

  /** The daily campaign at 08:00 local on every day of the send period, merged in time order. */
  private static List<DemoSend> withCampaign(RandomGenerator rng, DemoSpec spec,
      DemoContact contact, ZoneId zone, List<DemoSend> sends, int firstId) {
    DemoMessage message = DemoCatalog.CAMPAIGN.message();
    List<DemoSend> all = new ArrayList<>(sends);
    LocalDate last = spec.anchor().atZone(zone).toLocalDate();
    for (LocalDate day = spec.sendsFrom().atZone(zone).toLocalDate(); !day.isAfter(last);
        day = day.plusDays(1)) {
      Instant sentAt =
          ZonedDateTime.of(day, LocalTime.of(DemoCatalog.CAMPAIGN_HOUR, 0), zone).toInstant();
      DemoSend send = new DemoSend("", contact.contactId(), message.messageId(),
          message.channel(), sentAt, message.windowHours(), message.labels(),
          rng.nextDouble() < message.holdoutShare());
      if (inSendPeriod(spec, send)) {
        all.add(send);
      }
    }
    return numbered(spec, all, firstId);
  }

  private static boolean inSendPeriod(DemoSpec spec, DemoSend send) {
    return !send.sentAt().isBefore(spec.sendsFrom())
        && !send.windowEnd().isAfter(spec.anchor().minus(WINDOW_MARGIN));
  }

  /** The sends in time order (a stable sort), with their ids numbered from {@code firstId}. */
  private static List<DemoSend> numbered(DemoSpec spec, List<DemoSend> sends, int firstId) {
    List<DemoSend> sorted = new ArrayList<>(sends);
    sorted.sort(Comparator.comparing(DemoSend::sentAt));
    List<DemoSend> numbered = new ArrayList<>(sorted.size());
    for (DemoSend s : sorted) {
      numbered.add(new DemoSend("s-" + spec.seed() + "-" + (firstId + numbered.size()),
          s.contactId(), s.messageId(), s.channel(), s.sentAt(), s.windowHours(), s.labels(),
          s.holdout()));
    }
    return numbered;
  }

  /** A send of a message picked at random, at a busy local hour of the day. */
  private static DemoSend randomSend(RandomGenerator rng, DemoSpec spec, DemoContact contact,
      ZoneId zone, List<DemoCatalog.MessagePlan> reachable, LocalDate day, int id) {
    int hour = DemoCatalog.SEND_HOURS[rng.nextInt(DemoCatalog.SEND_HOURS.length)];
    int minute = rng.nextBoolean() ? 0 : rng.nextInt(60); // scheduled campaigns vs triggers
    DemoMessage message = pick(rng, reachable, DemoCatalog.MessagePlan::weight).message();
    boolean holdout = rng.nextDouble() < message.holdoutShare();
    Instant sentAt = ZonedDateTime.of(day, LocalTime.of(hour, minute), zone).toInstant();
    return new DemoSend("s-" + spec.seed() + "-" + id, contact.contactId(),
        message.messageId(), message.channel(), sentAt, message.windowHours(), message.labels(),
        holdout);
  }

  /** Poisson draw by inversion, for the small daily means of the send plan. */
  private static int poisson(RandomGenerator rng, double mean) {
    return EventSampler.inversion(rng.nextDouble(), mean);
  }

  private static boolean reachable(DemoContact contact, String channel) {
    return switch (channel) {
      case "push" -> contact.pushToken() != null;
      case "sms" -> contact.phoneNumber() != null;
      case "email" -> contact.emailAddress() != null;
      default -> true;
    };
  }

  /**
   * A holdout send was not delivered, so only delivered sends of effective messages plant one.
   * Effects may overlap (frequent sends, the campaign): the rate then carries every lift at once.
   */
  private static List<ContactModel.Effect> effects(List<DemoSend> sends,
      Map<String, DemoMessage> messages, List<DemoCatalog.EventType> eventTypes) {
    List<ContactModel.Effect> effects = new ArrayList<>();
    for (DemoSend s : sends) {
      DemoMessage message = messages.get(s.messageId());
      if (s.holdout() || !message.hasEffect()) {
        continue;
      }
      double[] lift = eventTypes.stream().mapToDouble(t -> message.liftFor(t.name())).toArray();
      effects.add(new ContactModel.Effect(s.sentAt().getEpochSecond(),
          s.windowEnd().getEpochSecond(), lift));
    }
    return effects;
  }

  private static SendTruth truth(ContactModel m, DemoSend s, DemoMessage message,
      EventSampler sampler, List<DemoEvent> events) {
    Map<String, Double> lift = new LinkedHashMap<>();
    Map<String, Integer> observed = new LinkedHashMap<>();
    for (String name : sampler.names()) {
      lift.put(name, s.holdout() ? 1.0 : message.liftFor(name));
      observed.put(name, 0);
    }
    // Events are in time order: find the window's first by bisection.
    int lo = 0;
    int hi = events.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events.get(mid).timestamp().isBefore(s.sentAt())) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int k = lo; k < events.size() && events.get(k).timestamp().isBefore(s.windowEnd());
        k++) {
      observed.merge(events.get(k).eventName(), 1, Integer::sum);
    }
    long from = s.sentAt().getEpochSecond();
    long to = s.windowEnd().getEpochSecond();
    Map<String, Double> expected = sampler.expected(m, from, to);
    // Sessions started up to an hour before the window trail into it, and their effects with them.
    long reach = from - (sampler.sessions() ? SESSION_TRAIL_SECONDS : 0);
    boolean touched = m.effects().stream().anyMatch(f -> f.start() < to && f.end() > reach);
    Map<String, Double> withEffects = touched ? sampler.expectedWithEffects(m, from, to)
        : expected;
    return new SendTruth(s.sendId(), s.contactId(), s.messageId(), s.sentAt(), s.windowEnd(),
        s.holdout(), lift, expected, withEffects, observed);
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
