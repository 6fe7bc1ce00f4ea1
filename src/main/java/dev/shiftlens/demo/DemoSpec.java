package dev.shiftlens.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What to generate: the dataset is a pure function of these five values.
 *
 * @param seed the random seed; it also appears in event and send ids, so two seeds never collide
 * @param contacts number of contacts
 * @param days length of the span, which ends at {@code anchor}; sends fall in its last
 *     {@code behavior.sendDays()} days
 * @param anchor end of the span (exclusive), on a whole hour
 * @param behavior how contacts behave and are messaged; {@link Behavior#POISSON} is the plain demo
 */
public record DemoSpec(long seed, int contacts, int days, Instant anchor, Behavior behavior) {
  /** Days at the end of the span that receive sends under {@link Behavior#POISSON}. */
  public static final int SEND_DAYS = 7;

  public DemoSpec {
    if (contacts < 1 || contacts > 99_999) {
      throw new IllegalArgumentException("contacts must be in 1..99999, got " + contacts);
    }
    if (behavior == null) {
      throw new IllegalArgumentException("behavior must not be null");
    }
    // A send needs a baseline before it; the behavior says how much of it is the least.
    int least = behavior.sendDays() + behavior.minBaselineDays();
    if (days < least || days > 365) {
      throw new IllegalArgumentException(
          "days must be in " + least + "..365 for behavior " + behavior.name() + ", got " + days);
    }
    if (!anchor.equals(anchor.truncatedTo(ChronoUnit.HOURS))) {
      throw new IllegalArgumentException("anchor must be on a whole hour, got " + anchor);
    }
  }

  /** The plain demo ({@link Behavior#POISSON}). */
  public DemoSpec(long seed, int contacts, int days, Instant anchor) {
    this(seed, contacts, days, anchor, Behavior.POISSON);
  }

  /** The defaults of the {@code demo} command: seed 42, 3000 contacts, 35 days. */
  public static DemoSpec defaults(Instant anchor) {
    return new DemoSpec(42, 3000, 35, anchor);
  }

  public Instant spanStart() {
    return anchor.minus(Duration.ofDays(days));
  }

  /**
   * No send is earlier than this, so every contact has {@code days - behavior.sendDays()} days of
   * baseline.
   */
  public Instant sendsFrom() {
    return anchor.minus(Duration.ofDays(behavior.sendDays()));
  }
}
