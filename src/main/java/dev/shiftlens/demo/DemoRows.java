package dev.shiftlens.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns the demo records into the JSON objects that the ingestion API and the truth file use. */
final class DemoRows {
  static final ObjectMapper JSON = new ObjectMapper();

  private DemoRows() {}

  static Map<String, Object> contact(DemoContact c) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("contact_id", c.contactId());
    row.put("country", c.country());
    putIfPresent(row, "timezone", c.timezone());
    putIfPresent(row, "push_token", c.pushToken());
    putIfPresent(row, "phone_number", c.phoneNumber());
    putIfPresent(row, "email_address", c.emailAddress());
    row.putAll(c.properties());
    return row;
  }

  static Map<String, Object> event(DemoEvent e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("contact_id", e.contactId());
    row.put("timestamp", e.timestamp().toString());
    row.put("event_name", e.eventName());
    row.put("event_instance_id", e.eventInstanceId());
    putIfPresent(row, "timezone", e.timezone());
    putIfPresent(row, "metadata", e.metadata());
    return row;
  }

  static Map<String, Object> send(DemoSend s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("send_id", s.sendId());
    row.put("contact_id", s.contactId());
    row.put("message_id", s.messageId());
    row.put("channel", s.channel());
    row.put("sent_at", s.sentAt().toString());
    row.put("window_hours", s.windowHours());
    row.put("labels", new TreeMap<>(s.labels()));
    row.put("holdout", s.holdout());
    return row;
  }

  static Map<String, Object> truth(GroundTruth t) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("seed", t.seed());
    doc.put("anchor", t.anchor().toString());
    doc.put("days", t.days());
    doc.put("events", t.events());
    doc.put("profile", t.profile());
    doc.put("messages", t.messages().stream().map(DemoRows::message).toList());
    doc.put("sends", t.sends().stream().map(DemoRows::sendTruth).toList());
    doc.put("rate_per_day", new TreeMap<>(t.ratePerDay()).entrySet().stream()
        .map(e -> Map.of("contact_id", e.getKey(), "rates", new TreeMap<>(e.getValue())))
        .toList());
    if (!t.behavior().equals(Behavior.POISSON)) {
      // Only beyond the plain demo, whose truth file stays as it was.
      doc.put("behavior", t.behavior().name());
      doc.put("expected_events", t.expectedEvents());
      doc.put("zones", new TreeMap<>(t.zones()));
      Map<String, String> lapsed = new TreeMap<>();
      t.lapsedAt().forEach((id, at) -> lapsed.put(id, at.toString()));
      doc.put("lapsed_at", lapsed);
      List<Object> sends = new ArrayList<>();
      for (SendTruth s : t.sends()) {
        Map<String, Object> row = sendTruth(s);
        row.put("expected_with_effects", new TreeMap<>(s.expectedWithEffects()));
        sends.add(row);
      }
      doc.put("sends", sends);
    }
    return doc;
  }

  private static Map<String, Object> message(DemoMessage m) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("message_id", m.messageId());
    row.put("channel", m.channel());
    row.put("window_hours", m.windowHours());
    row.put("labels", new TreeMap<>(m.labels()));
    row.put("holdout_share", m.holdoutShare());
    row.put("planted_lift", new TreeMap<>(m.lift()));
    return row;
  }

  private static Map<String, Object> sendTruth(SendTruth s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("send_id", s.sendId());
    row.put("contact_id", s.contactId());
    row.put("message_id", s.messageId());
    row.put("sent_at", s.sentAt().toString());
    row.put("window_end", s.windowEnd().toString());
    row.put("holdout", s.holdout());
    row.put("lift", new TreeMap<>(s.lift()));
    row.put("expected", new TreeMap<>(s.expected()));
    row.put("observed", new TreeMap<>(s.observed()));
    return row;
  }

  private static void putIfPresent(Map<String, Object> row, String key, Object value) {
    if (value != null) {
      row.put(key, value);
    }
  }
}
