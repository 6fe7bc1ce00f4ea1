package dev.shiftlens.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A row of {@code POST /v1/contacts}. The reach fields are null when the contact has none.
 *
 * @param properties string, number or boolean values, in a stable order
 */
public record DemoContact(
    String contactId,
    String country,
    String timezone,
    String pushToken,
    String phoneNumber,
    String emailAddress,
    Map<String, Object> properties) {

  public DemoContact {
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }
}
