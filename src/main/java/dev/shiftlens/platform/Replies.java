package dev.shiftlens.platform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.RoutingContext;

/** Common ways of answering a read. */
public final class Replies {
  /**
   * Jackson's streaming generator. {@code ctx.json} picks the data-binding codec when jackson-databind is
   * on the class path, which walks every map through serializers: for answers of thousands of values (a
   * baseline's 168 hours per event, a page of sends with their effects) that was most of the CPU a
   * request cost. Numbers are written by Jackson's fast floating-point writer: {@code Double.toString} took
   * a third of what remained (a baseline view is some thousand doubles).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private Replies() {}

  /** {@code body} as the JSON answer (200). */
  public static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(encode(body));
  }

  /** {@code body} as compact JSON, written by the streaming generator. */
  static Buffer encode(JsonObject body) {
    try (ByteArrayBuilder bytes = new ByteArrayBuilder()) {
      try (JsonGenerator generator = FACTORY.createGenerator(bytes)) {
        JacksonCodec.encodeJson(body, generator);
      } catch (java.io.IOException e) {
        throw new EncodeException(e.getMessage(), e);
      }
      return Buffer.buffer(bytes.toByteArray());
    }
  }

  /** The object as JSON; 404 with {@code missing} when it is null; 503 when the store failed. */
  public static void jsonOrNotFound(RoutingContext ctx, Future<JsonObject> lookup, String missing) {
    lookup.onComplete(result -> {
      if (result.failed()) ctx.fail(ApiException.storeUnavailable(result.cause()));
      else if (result.result() == null) ctx.fail(ApiException.notFound(missing));
      else json(ctx, result.result());
    });
  }
}
