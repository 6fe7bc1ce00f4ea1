package dev.shiftlens.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The fixed ingredients of the demo world: zones, event types, messages and the daily rhythm. */
final class DemoCatalog {
  private DemoCatalog() {}

  /** A time zone with the country, currency and phone prefix that go with it. */
  record Zone(String id, String country, String currency, double perUsd, String phonePrefix,
      double weight) {}

  /** An event type and its population mean rate per day. */
  record EventType(String name, double perDay) {}

  /** A message and how often it is chosen among the messages a contact can receive. */
  record MessagePlan(DemoMessage message, double weight) {}

  static final List<Zone> ZONES = List.of(
      new Zone("America/New_York", "US", "USD", 1, "+1", 16),
      new Zone("America/Chicago", "US", "USD", 1, "+1", 7),
      new Zone("America/Los_Angeles", "US", "USD", 1, "+1", 10),
      new Zone("America/Toronto", "CA", "CAD", 1.35, "+1", 3),
      new Zone("America/Mexico_City", "MX", "MXN", 17, "+52", 4),
      new Zone("America/Sao_Paulo", "BR", "BRL", 5, "+55", 6),
      new Zone("Europe/London", "GB", "GBP", 0.8, "+44", 9),
      new Zone("Europe/Berlin", "DE", "EUR", 0.92, "+49", 7),
      new Zone("Europe/Paris", "FR", "EUR", 0.92, "+33", 5),
      new Zone("Europe/Madrid", "ES", "EUR", 0.92, "+34", 3),
      new Zone("Africa/Lagos", "NG", "NGN", 1500, "+234", 2),
      new Zone("Asia/Dubai", "AE", "AED", 3.67, "+971", 2),
      new Zone("Asia/Kolkata", "IN", "INR", 83, "+91", 8),
      new Zone("Asia/Singapore", "SG", "SGD", 1.35, "+65", 2),
      new Zone("Asia/Tokyo", "JP", "JPY", 150, "+81", 5),
      new Zone("Australia/Sydney", "AU", "AUD", 1.5, "+61", 4),
      new Zone("Pacific/Auckland", "NZ", "NZD", 1.65, "+64", 1));

  // Together about 4.6 events a day for the average contact: ~0.5M events for 3000 contacts x 35 d.
  static final List<EventType> EVENTS = List.of(
      new EventType("app_open", 2.6),
      new EventType("view_item", 1.6),
      new EventType("add_to_cart", 0.35),
      new EventType("purchase", 0.08));

  static final List<MessagePlan> MESSAGES = List.of(
      plan("promo_10pct", "push", 6, "urgency", "10pct", 0.10, Map.of("purchase", 2.0), 3),
      plan("winback_push", "push", 6, "friendly", "none", 0.10, Map.of("app_open", 1.5), 3),
      plan("harmful_sms", "sms", 24, "urgency", "none", 0.0, Map.of("app_open", 0.7), 2),
      plan("cart_reminder", "push", 6, "urgency", "none", 0.0, Map.of(), 2),
      plan("weekly_digest", "email", 24, "friendly", "none", 0.10, Map.of(), 2),
      plan("spring_sale", "email", 24, "friendly", "10pct", 0.10, Map.of(), 2),
      plan("feature_tour", "in_app", 4, "friendly", "none", 0.0, Map.of(), 1));

  /** The rare event of {@link Behavior#rareEventPerWeek()}; its rate is set by the behavior. */
  static final String RARE_EVENT = "subscription_upgrade";

  /**
   * The daily campaign of {@link Behavior#campaignShare()}: never picked at random, sent at
   * {@link #CAMPAIGN_HOUR} local time every day of the send period to the contacts chosen for it.
   */
  static final MessagePlan CAMPAIGN =
      plan("daily_digest", "push", 6, "friendly", "none", 0.10, Map.of("app_open", 1.5), 0);
  static final int CAMPAIGN_HOUR = 8;

  static List<String> eventNames() {
    return EVENTS.stream().map(EventType::name).toList();
  }

  /** The event types of a behavior: the plain four, and the rare event when it has one. */
  static List<EventType> events(Behavior behavior) {
    if (behavior.rareEventPerWeek() == 0) {
      return EVENTS;
    }
    List<EventType> events = new ArrayList<>(EVENTS);
    events.add(new EventType(RARE_EVENT, behavior.rareEventPerWeek() / 7));
    return List.copyOf(events);
  }

  static List<String> eventNames(Behavior behavior) {
    return events(behavior).stream().map(EventType::name).toList();
  }

  /** The messages of a behavior: the plain catalog, and the campaign when it has one. */
  static List<DemoMessage> messages(Behavior behavior) {
    List<DemoMessage> messages = new ArrayList<>(MESSAGES.stream().map(MessagePlan::message)
        .toList());
    if (behavior.campaignShare() > 0) {
      messages.add(CAMPAIGN.message());
    }
    return List.copyOf(messages);
  }

  /** Local send times: campaigns go out when people are awake and busy with their phones. */
  static final int[] SEND_HOURS = {8, 9, 9, 10, 12, 17, 18, 18, 19, 19, 19, 20, 20};

  private static MessagePlan plan(String id, String channel, double windowHours, String copy,
      String offer, double holdoutShare, Map<String, Double> lift, double weight) {
    return new MessagePlan(new DemoMessage(id, channel, windowHours,
        Map.of("copy", copy, "offer", offer), holdoutShare, lift), weight);
  }

  // Relative activity by local hour; nights are quiet, weekdays peak at commute and evening,
  // weekends start late and stay busy through the afternoon.
  private static final double[] WEEKDAY = {
      0.25, 0.12, 0.08, 0.06, 0.07, 0.15, 0.45, 0.95, 1.35, 1.2, 1.0, 1.0,
      1.2, 1.1, 0.95, 0.95, 1.0, 1.15, 1.4, 1.7, 1.85, 1.6, 1.05, 0.55};
  private static final double[] WEEKEND = {
      0.4, 0.25, 0.15, 0.1, 0.08, 0.08, 0.15, 0.35, 0.65, 0.95, 1.2, 1.35,
      1.4, 1.35, 1.3, 1.3, 1.35, 1.4, 1.5, 1.6, 1.7, 1.55, 1.1, 0.7};

  /** Hour-of-week profile in local time, Monday 00:00 first, with mean 1 over the 168 hours. */
  static double[] hourOfWeekProfile() {
    double[] profile = new double[168];
    double sum = 0;
    for (int h = 0; h < 168; h++) {
      int day = h / 24;
      profile[h] = (day >= 5 ? WEEKEND : WEEKDAY)[h % 24];
      sum += profile[h];
    }
    for (int h = 0; h < 168; h++) {
      profile[h] *= 168 / sum;
    }
    return profile;
  }
}
