package dev.shiftlens.eventtype;

import java.util.List;
import java.util.Objects;

/**
 * How one event name counts in the all-events effect {@code "*"}: each event weighs {@code reward};
 * {@code irrelevant} events are left out. A {@code negative} event never has a positive reward.
 */
public record EventType(String eventName, String category, double reward) {
  public static final String REVENUE = "revenue";
  public static final String ENGAGEMENT = "engagement";
  public static final String NEGATIVE = "negative";
  public static final String IRRELEVANT = "irrelevant";
  public static final List<String> CATEGORIES = List.of(REVENUE, ENGAGEMENT, NEGATIVE, IRRELEVANT);

  public EventType {
    Objects.requireNonNull(eventName, "eventName");
    if (!CATEGORIES.contains(category)) throw new IllegalArgumentException("unknown category '" + category + "'");
    if (!Double.isFinite(reward)) throw new IllegalArgumentException("reward must be a finite number, got " + reward);
    if (NEGATIVE.equals(category) && reward > 0) throw new IllegalArgumentException("a negative event cannot have a positive reward");
  }

  /** The type of an event name that has none configured: engagement, reward 1. */
  public static EventType unconfigured(String eventName) {
    return new EventType(eventName, ENGAGEMENT, 1.0);
  }

  /** The reward of a category when none is given: engagement 1, revenue 1, negative -1, irrelevant 0. */
  public static double defaultReward(String category) {
    return switch (category) {
      case ENGAGEMENT, REVENUE -> 1.0;
      case NEGATIVE -> -1.0;
      case IRRELEVANT -> 0.0;
      default -> throw new IllegalArgumentException("unknown category '" + category + "'");
    };
  }

  /** Whether events of this type count in the all-events effect {@code "*"}. */
  public boolean inTotal() {
    return !IRRELEVANT.equals(category);
  }
}
