package dev.shiftlens.ingest;

/** A valid event, as it will be stored. */
record EventRow(String contactId, long epochMillis, String eventName, String instanceId, String timezone, String metadata) {
  static final int MAX_ID = 256;

  static EventRow from(RawRow row, long now) throws RowException {
    return new EventRow(
        Fields.requiredId(row, "contact_id", MAX_ID),
        Fields.time(row, "timestamp", now),
        Fields.requiredId(row, "event_name", MAX_ID),
        Fields.optionalText(row, "event_instance_id", MAX_ID),
        Fields.timezone(row, "timezone"),
        Fields.jsonObject(row, "metadata"));
  }

  EventKey key() {
    return EventKey.of(contactId, instanceId, epochMillis, eventName, metadata);
  }
}
