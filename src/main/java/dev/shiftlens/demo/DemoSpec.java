package dev.shiftlens.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What to generate: the dataset is a pure function of these four values.
 *
 * @param seed the random seed; it also appears in event and send ids, so two seeds never collide
 * @param contacts number of contacts
 * @param days length of the span, which ends at {@code anchor}; sends fall in its last 7 days
 * @param anchor end of the span (exclusive), on a whole hour
 */
public record DemoSpec(long seed, int contacts, int days, Instant anchor) {
  /** Days at the end of the span that receive sends; everything before is baseline. */
  public static final int SEND_DAYS = 7;

  public DemoSpec {
    if (contacts < 1 || contacts > 99_999) {
      throw new IllegalArgumentException("contacts must be in 1..99999, got " + contacts);
    }
    // A send needs a baseline before it; a week of it is the least that makes sense.
    if (days < SEND_DAYS + 7 || days > 365) {
      throw new IllegalArgumentException(
          "days must be in " + (SEND_DAYS + 7) + "..365, got " + days);
    }
    if (!anchor.equals(anchor.truncatedTo(ChronoUnit.HOURS))) {
      throw new IllegalArgumentException("anchor must be on a whole hour, got " + anchor);
    }
  }

  /** The defaults of the {@code demo} command: seed 42, 3000 contacts, 35 days. */
  public static DemoSpec defaults(Instant anchor) {
    return new DemoSpec(42, 3000, 35, anchor);
  }

  public Instant spanStart() {
    return anchor.minus(Duration.ofDays(days));
  }

  /** No send is earlier than this, so every contact has {@code days - 7} days of baseline. */
  public Instant sendsFrom() {
    return anchor.minus(Duration.ofDays(SEND_DAYS));
  }
}
