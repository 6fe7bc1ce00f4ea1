package dev.shiftlens.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SQL of property filters: fixed fragments, with every key and value a parameter. */
class PropertySqlTest {
  private static PropertySql.Query sql(String body) {
    return PropertySql.of(AudienceRequest.parse(Buffer.buffer(body)).properties());
  }

  @Test
  void keysAndValuesBecomeParametersAndNeverSqlText() {
    String key = "x'); DROP TABLE contacts; --";
    PropertySql.Query q = sql("{\"properties\": ["
        + "{\"key\": \"" + key + "\", \"op\": \"eq\", \"value\": \"' OR 1=1 --\"},"
        + "{\"key\": \"plan\", \"op\": \"in\", \"value\": [\"a'b\", 3]},"
        + "{\"key\": \"name\", \"op\": \"contains\", \"value\": \"%_'\"},"
        + "{\"key\": \"age\", \"op\": \"gte\", \"value\": 21}]}");
    assertFalse(q.sql().contains("DROP"), q.sql());
    assertFalse(q.sql().contains("OR 1=1"), q.sql());
    assertFalse(q.sql().contains("a'b"), q.sql());
    assertFalse(q.sql().contains("%_'"), q.sql());
    assertFalse(q.sql().contains("21"), q.sql());
    assertEquals(List.of(key, "\"' OR 1=1 --\""), q.params().subList(0, 2));
    assertTrue(q.params().contains("21"));
    for (int i = 1; i <= q.params().size(); i++) assertTrue(q.sql().contains("$" + i), "parameter " + i + " is used: " + q.sql());
  }

  @Test
  void columnsAreNamedFromAFixedListAndNeedNoKeyParameter() {
    PropertySql.Query q = sql("{\"properties\": [{\"key\": \"country\", \"op\": \"eq\", \"value\": \"DE\"}]}");
    assertTrue(q.sql().contains("to_jsonb(country)"), q.sql());
    assertEquals(List.of("\"DE\""), q.params());
  }

  @Test
  void noFiltersSelectEveryContact() {
    PropertySql.Query q = sql("{}");
    assertTrue(q.sql().contains("WHERE TRUE"), q.sql());
    assertTrue(q.params().isEmpty());
  }

  @Test
  void cursorsOrderByCodePointAsPostgresqlOrdersUtf8Bytes() {
    assertTrue(AudienceCursor.compare("Z", "a") < 0);
    assertTrue(AudienceCursor.compare("a", "ab") < 0);
    // U+FFFD sorts before U+1F600, although its UTF-16 unit is above the surrogate that starts U+1F600.
    assertTrue(AudienceCursor.compare("\uFFFD", "😀") < 0);
    assertTrue("\uFFFD".compareTo("😀") > 0);
    assertEquals("ü/1", AudienceCursor.decode(new AudienceCursor("ü/1").encode()).lastContactId());
  }
}
