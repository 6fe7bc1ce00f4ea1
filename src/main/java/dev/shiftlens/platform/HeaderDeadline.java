package dev.shiftlens.platform;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The header deadline of one HTTP/1.x connection: a request's headers must all arrive within
 * {@code SHIFTLENS_HEADER_TIMEOUT_SECONDS} of its first byte (of the connection's opening, for the first
 * request), or the connection is answered 408 and closed. A client that trickles its headers a byte at
 * a time would otherwise hold the connection for as long as it likes, since every byte resets the idle
 * timeout. A kept-alive connection with no request under way has no deadline (the idle timeout closes
 * it). Sits first in the connection's Netty pipeline, ahead of the HTTP codec, to see bytes before
 * they are parsed; runs on the connection's event loop.
 */
final class HeaderDeadline extends ChannelInboundHandlerAdapter {
  private static final String NAME = "shiftlens-header-deadline";

  private final long timeoutMillis;
  private ChannelHandlerContext context;
  private ScheduledFuture<?> timer;
  /** A request's headers have arrived and its exchange is not over yet. */
  private boolean inRequest;

  private HeaderDeadline(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  /** Puts a deadline on a new connection; returns it (null: the connection is not one whose bytes can be watched). */
  static HeaderDeadline watch(HttpConnection connection, long timeoutMillis) {
    if (!(connection instanceof ConnectionBase base)) return null;
    HeaderDeadline deadline = new HeaderDeadline(timeoutMillis);
    base.channel().pipeline().addFirst(NAME, deadline);
    deadline.arm();
    return deadline;
  }

  /** The request's headers have arrived: the deadline is met; the next one starts after its exchange. */
  void headersArrived(HttpServerRequest request) {
    inRequest = true;
    cancel();
    request.response().endHandler(v -> {
      // A request answered before its body ended has its connection closed (Bodies.closeAfterAnswer).
      if (request.isEnded()) inRequest = false;
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.context = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!inRequest && timer == null) arm(); // the first byte of the next request
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void arm() {
    ChannelHandlerContext ctx = context;
    if (ctx == null) return;
    timer = ctx.executor().schedule(() -> {
      timer = null;
      if (inRequest || !ctx.channel().isActive()) return;
      // Written from ahead of the codec, straight to the socket: the codec is in the middle of a request.
      String body = new JsonObject().put("type", "about:blank").put("title", "Request Timeout").put("status", 408)
          .put("detail", "the request headers did not arrive within " + timeoutMillis / 1000 + " s").encode();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/problem+json\r\nConnection: close\r\nContent-Length: "
          + bytes.length + "\r\n\r\n";
      ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), bytes))
          .addListener(ChannelFutureListener.CLOSE);
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
