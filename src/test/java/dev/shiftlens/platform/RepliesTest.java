package dev.shiftlens.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RepliesTest {
  @Test
  void answersReadBackAsTheObjectTheyWereWrittenFrom() {
    SplittableRandom random = new SplittableRandom(7);
    JsonArray doubles = new JsonArray();
    for (int i = 0; i < 2000; i++) {
      double x = random.nextDouble() * Math.pow(10, random.nextInt(-12, 12));
      doubles.add(i % 3 == 0 ? Math.round(x * 1e9) / 1e9 : x);
    }
    doubles.add(0.1).add(1e-9).add(-0.0).add(Double.MIN_VALUE).add(Double.MAX_VALUE).add(5e-324).add(123456789.0);
    JsonObject body = new JsonObject()
        .put("contact_id", "c-ü \"quoted\" \u2028 \\ /")
        .put("count", 12L)
        .put("big", Long.MAX_VALUE)
        .put("flag", true)
        .put("nothing", (Object) null)
        .put("at", Instant.parse("2026-11-29T02:00:00Z").toString())
        .put("nested", new JsonObject().put("values", doubles).put("empty", new JsonArray()));

    String text = Replies.encode(body).toString();

    JsonObject back = new JsonObject(text);
    assertEquals(body, back);
    JsonArray values = back.getJsonObject("nested").getJsonArray("values");
    for (int i = 0; i < doubles.size(); i++) {
      assertEquals(Double.doubleToLongBits(doubles.getDouble(i)), Double.doubleToLongBits(values.getDouble(i)), "value " + i);
    }
    assertEquals(body.encode().length(), text.length(), "compact, as Vert.x writes it");
  }
}
