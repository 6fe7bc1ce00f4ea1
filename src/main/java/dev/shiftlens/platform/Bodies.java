package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a small request body whole, after authentication has let the request through (the router
 * holds every body back until then, which rules out Vert.x's body handler ahead of the key check).
 * Runs on the request's event loop.
 */
public final class Bodies {
  private Bodies() {}

  /** The body, after decompression; fails with a 413 {@link ApiException} beyond {@code maxBytes}. */
  public static Future<Buffer> read(RoutingContext ctx, int maxBytes) {
    HttpServerRequest request = ctx.request();
    Promise<Buffer> promise = Promise.promise();
    ApiException tooLarge = new ApiException(413, "Content Too Large", "the body exceeds " + maxBytes + " bytes");
    // A plain body that declares its length is refused before a byte of it is read.
    String declared = request.getHeader("Content-Length");
    if (declared != null && request.getHeader("Content-Encoding") == null && isLongerThan(declared, maxBytes)) {
      return Future.failedFuture(tooLarge);
    }
    BodyDecoder decoder;
    try {
      decoder = BodyDecoder.of(request.getHeader("Content-Encoding"));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    Buffer body = Buffer.buffer();
    BodyDecoder.Output<RuntimeException> append = (bytes, offset, length) -> {
      if (body.length() + length > maxBytes) {
        promise.tryFail(tooLarge);
        return false;
      }
      body.appendBytes(bytes, offset, length);
      return true;
    };
    request.handler(chunk -> {
      if (promise.future().isComplete()) return; // refused: the rest is drained and dropped
      try {
        byte[] bytes = chunk.getBytes();
        decoder.feed(bytes, 0, bytes.length, append);
      } catch (ApiException e) {
        promise.tryFail(e);
      }
      if (promise.future().isComplete()) decoder.close();
    });
    request.exceptionHandler(e -> {
      decoder.close();
      promise.tryFail(e);
    });
    request.endHandler(v -> {
      if (promise.future().isComplete()) return;
      try {
        decoder.finish();
        promise.tryComplete(body);
      } catch (ApiException e) {
        promise.tryFail(e);
      }
    });
    if (request.isEnded()) promise.tryComplete(body);
    else request.resume();
    return promise.future();
  }

  private static boolean isLongerThan(String contentLength, int maxBytes) {
    try {
      return Long.parseLong(contentLength.strip()) > maxBytes;
    } catch (NumberFormatException e) {
      return false; // the HTTP codec refuses such a header; if one got through, counting the bytes still guards
    }
  }
}
