package dev.shiftlens.eventtype;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of the configured event types, read once per evaluation batch so that every
 * send of the batch is weighed alike. Names that are not configured are engagement events with reward 1.
 * Safe to share between threads.
 */
public final class EventTypes {
  private static final EventTypes DEFAULTS = new EventTypes(Map.of());

  private final Map<String, EventType> byName;

  private EventTypes(Map<String, EventType> byName) {
    this.byName = byName;
  }

  /** No configured types: every event is engagement with reward 1. */
  public static EventTypes defaults() {
    return DEFAULTS;
  }

  /** A snapshot of these types; when a name occurs more than once, the later one wins. */
  public static EventTypes of(Collection<EventType> types) {
    if (types.isEmpty()) return DEFAULTS;
    Map<String, EventType> byName = new TreeMap<>();
    for (EventType t : types) byName.put(t.eventName(), t);
    return new EventTypes(Collections.unmodifiableMap(byName));
  }

  /** The configured type of the name, or engagement with reward 1. */
  public EventType of(String eventName) {
    EventType t = byName.get(eventName);
    return t != null ? t : EventType.unconfigured(eventName);
  }

  /** The configured types, sorted by name. */
  public Collection<EventType> all() {
    return byName.values();
  }

  @Override
  public String toString() {
    return "EventTypes" + byName.values();
  }
}
