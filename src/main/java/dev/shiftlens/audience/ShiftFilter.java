package dev.shiftlens.audience;

/**
 * Contacts with a send (not a holdout) in the last {@code withinDays} days (null: ever) whose effect
 * for {@code eventName} ({@code "*"}: all events) was evaluated with {@code verdict} ({@code up} or
 * {@code down}).
 */
record ShiftFilter(String eventName, String verdict, Integer withinDays) {}
