package dev.shiftlens.demo;

import java.time.Instant;
import java.util.Map;

/**
 * A row of {@code POST /v1/events}.
 *
 * @param timezone the contact's zone, or null when the row leaves it out (as real pipelines do)
 * @param metadata a JSON object, or null
 */
public record DemoEvent(
    String contactId,
    Instant timestamp,
    String eventName,
    String eventInstanceId,
    String timezone,
    Map<String, Object> metadata) {}
