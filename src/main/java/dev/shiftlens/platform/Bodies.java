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
    else resume(request);
    return promise.future();
  }

  /**
   * Lets a body that authentication has let through arrive: answers {@code Expect: 100-continue} (the
   * server never does so on its own, so that a refused client is told before it sends a byte), then
   * resumes the request.
   */
  public static void resume(HttpServerRequest request) {
    String expect = request.getHeader("Expect");
    if (expect != null && expect.strip().equalsIgnoreCase("100-continue") && request.version() == io.vertx.core.http.HttpVersion.HTTP_1_1
        && !request.response().headWritten()) {
      request.response().writeContinue();
    }
    request.resume();
  }

  /**
   * Ends the connection of a request answered before its body was read (refused, or failed early):
   * reading the rest would cost as much as accepting it (a compressed one more still), so the answer
   * says {@code Connection: close} and the connection is closed once it is written.
   */
  public static void closeAfterAnswer(HttpServerRequest request) {
    if (request.isEnded() || request.response().headWritten()) return;
    request.response().putHeader("Connection", "close");
    request.response().endHandler(v -> lingerThenClose(request));
  }

  /** How long a closing connection keeps discarding what the client still sends, at most. */
  private static final long LINGER_MS = 250;
  /** How much of it, at most: raw bytes, never decompressed. */
  private static final long LINGER_BYTES = 1 << 20;

  /**
   * Closes the connection of a request answered before its body ended, after a short linger: closing a
   * socket with unread bytes makes the kernel reset the connection, and a client still sending its body
   * may then never read the answer. So the rest of the body is read and dropped (raw, not decompressed)
   * until it ends, {@link #LINGER_BYTES} have come, or {@link #LINGER_MS} have passed, whichever is first.
   */
  public static void lingerThenClose(HttpServerRequest request) {
    io.vertx.core.http.HttpConnection connection = request.connection();
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    if (request.isEnded() || context == null) {
      connection.close();
      return;
    }
    io.vertx.core.Vertx vertx = context.owner();
    long[] read = {0};
    long timer = vertx.setTimer(LINGER_MS, t -> connection.close());
    request.handler(chunk -> {
      read[0] += chunk.length();
      if (read[0] > LINGER_BYTES) {
        vertx.cancelTimer(timer);
        connection.close();
      }
    });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.exceptionHandler(e -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.resume();
  }

  private static boolean isLongerThan(String contentLength, int maxBytes) {
    try {
      return Long.parseLong(contentLength.strip()) > maxBytes;
    } catch (NumberFormatException e) {
      return false; // the HTTP codec refuses such a header; if one got through, counting the bytes still guards
    }
  }
}
