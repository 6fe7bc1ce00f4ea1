package dev.shiftlens.platform;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The minimum upload rate of one request body: after a grace period, every window of the grace's
 * length must bring at least {@code SHIFTLENS_MIN_UPLOAD_BYTES_PER_SECOND} times its seconds, or
 * {@code tooSlow} runs (the request is answered 408 and its connection closed). A client sending a
 * byte a second would otherwise hold an ingestion slot, and its connection, for as long as it likes.
 * Windows in which the server itself held the body back (waiting for storage) are not judged. Lives
 * on the request's event loop; its timer fires there.
 */
public final class UploadRate {
  private final Vertx vertx;
  private final long minBytesPerWindow;
  private final int minBytesPerSecond;
  private final int windowSeconds;
  private final Runnable tooSlow;
  private long timer = -1;
  private long bytes;
  private boolean held;
  private boolean heldThisWindow;

  private UploadRate(Vertx vertx, Config.Clients clients, Runnable tooSlow) {
    this.vertx = vertx;
    this.minBytesPerSecond = clients.minUploadBytesPerSecond();
    this.windowSeconds = clients.uploadGraceSeconds();
    this.minBytesPerWindow = (long) minBytesPerSecond * windowSeconds;
    this.tooSlow = tooSlow;
    if (minBytesPerWindow > 0) {
      timer = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(clients.uploadGraceSeconds()), id -> judge());
    }
  }

  /** Starts watching a body now; {@code tooSlow} runs at most once, on the request's event loop. */
  public static UploadRate watch(Vertx vertx, Config.Clients clients, Runnable tooSlow) {
    return new UploadRate(vertx, clients, tooSlow);
  }

  /** {@code n} bytes of the body arrived (as sent, before decompression). */
  public void arrived(long n) {
    bytes += n;
  }

  /** The server holds the body back (true) or reads it again (false). */
  public void held(boolean held) {
    this.held = held;
    if (held) heldThisWindow = true;
  }

  /** The body has ended, or the request is over: no more judging. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** The detail of the 408 problem. */
  public String detail() {
    return "the body arrived slower than " + minBytesPerSecond + " bytes a second over " + windowSeconds + " s";
  }

  private void judge() {
    boolean judged = !held && !heldThisWindow;
    heldThisWindow = held;
    long got = bytes;
    bytes = 0;
    if (judged && got < minBytesPerWindow) {
      stop();
      tooSlow.run();
    }
  }
}
