package dev.shiftlens.stream;

import dev.shiftlens.platform.SqlFiles;
import dev.shiftlens.send.SendRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the sends that any server evaluated with a verdict to this server's streams: PostgreSQL
 * notifies {@code shifts_evaluated} with each one's id as its evaluation commits (a trigger of
 * migration 004); this feed listens on one connection of its own, reads the notified sends in small
 * batches and publishes each on {@link StreamApi#FEED_ADDRESS} of this process. Started by the first
 * stream; runs on the event loop of the request that started it. Notifications that arrive while the
 * connection is down (it is reopened every second) are lost to the streams; clients can catch up by
 * resuming from their last event id.
 */
final class PostgresFeed {
  static final String CHANNEL = "shifts_evaluated";
  private static final Logger LOG = Logger.getLogger(PostgresFeed.class.getName());
  private static final String SENDS = SqlFiles.postgres("stream_sends");
  /** Notified ids read in one query at most. */
  private static final int BATCH = 500;
  /** How long notified ids gather before they are read: the notifications of one evaluated batch come together. */
  private static final long GATHER_MILLIS = 20;

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions options;
  private final Object lock = new Object();
  private Future<Void> started;
  private PgSubscriber subscriber;
  private List<String> pending = new ArrayList<>();
  private boolean reading;

  PostgresFeed(Vertx vertx, Pool pool, PgConnectOptions options) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
  }

  /** Listening, once the first call's connection is up; a failed start is tried again by the next call. */
  Future<Void> start() {
    synchronized (lock) {
      if (started != null && !started.failed()) return started;
      PgSubscriber s = PgSubscriber.subscriber(vertx, options).reconnectPolicy(attempts -> 1000L);
      s.channel(CHANNEL).handler(this::notified);
      s.closeHandler(v -> LOG.warning("the stream's PostgreSQL listener closed; streams hear of no new evaluations until it is back"));
      subscriber = s;
      Promise<Void> p = Promise.promise();
      s.connect().onComplete(p);
      started = p.future();
      return started;
    }
  }

  private void notified(String sendId) {
    synchronized (lock) {
      pending.add(sendId);
      if (reading || pending.size() > 1) return;
    }
    vertx.setTimer(GATHER_MILLIS, t -> readPending());
  }

  private void readPending() {
    List<String> ids;
    synchronized (lock) {
      if (pending.isEmpty()) {
        reading = false;
        return;
      }
      reading = true;
      if (pending.size() <= BATCH) {
        ids = pending;
        pending = new ArrayList<>();
      } else {
        ids = new ArrayList<>(pending.subList(0, BATCH));
        pending = new ArrayList<>(pending.subList(BATCH, pending.size()));
      }
    }
    pool.preparedQuery(SENDS).execute(Tuple.of((Object) ids.toArray(String[]::new))).onComplete(read -> {
      if (read.failed()) {
        LOG.log(Level.WARNING, "could not read " + ids.size() + " evaluated sends for the streams; they are not streamed", read.cause());
      } else {
        for (Row row : read.result()) vertx.eventBus().publish(StreamApi.FEED_ADDRESS, SendRepository.toJson(row));
      }
      readPending();
    });
  }

  Future<Void> close() {
    synchronized (lock) {
      return subscriber == null ? Future.succeededFuture() : subscriber.close();
    }
  }
}
