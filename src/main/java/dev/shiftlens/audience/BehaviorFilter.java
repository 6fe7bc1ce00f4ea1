package dev.shiftlens.audience;

/**
 * Contacts with from {@code minCount} to {@code maxCount} (null: no upper bound) distinct events named
 * {@code eventName} ({@code "*"}: any name) in the last {@code withinDays} days (null: ever). A range that
 * includes zero takes in the contacts with no such event at all.
 */
record BehaviorFilter(String eventName, long minCount, Long maxCount, Integer withinDays) {
  boolean includesZero() {
    return minCount == 0;
  }

  /** No contact is left out: at least zero events and no upper bound. */
  boolean passesAll() {
    return minCount == 0 && maxCount == null;
  }
}
