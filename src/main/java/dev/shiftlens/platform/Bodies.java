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
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxBytes) {
        // The rest of the body is drained and dropped by the failure handler.
        request.handler(null);
        request.endHandler(null);
        promise.tryFail(tooLarge);
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
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
