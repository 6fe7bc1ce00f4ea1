package dev.shiftlens.send;

import dev.shiftlens.platform.SqlFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the monthly partitions of sends (migration 009): creates this month's and the next
 * {@link #MONTHS_AHEAD}, and with a retention drops the months whose every send is older than it, whole.
 * Runs at start-up and then every {@link #PERIOD_MILLIS} on the event loop (non-blocking); every server
 * does it, and PostgreSQL serializes them with an advisory lock, so the second finds nothing to do.
 */
public final class SendPartitions {
  private static final Logger LOG = Logger.getLogger(SendPartitions.class.getName());
  private static final String AHEAD = SqlFiles.postgres("send_partitions_ahead");
  private static final String EXPIRED = SqlFiles.postgres("send_partitions_expired");
  /** Months made ahead of the current one: a month is there long before its first send. */
  static final int MONTHS_AHEAD = 3;
  static final long PERIOD_MILLIS = 3_600_000;

  private final Vertx vertx;
  private final Pool pool;
  private final int retentionMonths;
  private long timer = -1;
  private boolean running;

  /** @param retentionMonths months of sends kept; 0 keeps them all */
  public SendPartitions(Vertx vertx, Pool pool, int retentionMonths) {
    this.vertx = vertx;
    this.pool = pool;
    this.retentionMonths = retentionMonths;
  }

  /** Keeps the partitions once now (start-up waits for it), then every hour. */
  public synchronized Future<Void> start() {
    if (timer < 0) timer = vertx.setPeriodic(PERIOD_MILLIS, PERIOD_MILLIS, id -> tick());
    return maintain().mapEmpty();
  }

  public synchronized void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
  }

  /** One round: the months ahead, then, with a retention, the months past it. Returns the partitions dropped. */
  Future<List<String>> maintain() {
    return pool.preparedQuery(AHEAD).execute(Tuple.of(MONTHS_AHEAD))
        .compose(rows -> {
          long created = rows.iterator().next().getLong("created");
          if (created > 0) LOG.info("sends: created " + created + " monthly partition(s) ahead");
          if (retentionMonths <= 0) return Future.succeededFuture(List.<String>of());
          return pool.preparedQuery(EXPIRED).execute(Tuple.of(retentionMonths)).map(dropped -> {
            List<String> names = new ArrayList<>();
            for (Row row : dropped) names.add(row.getString("dropped"));
            if (!names.isEmpty()) {
              LOG.info("sends: dropped " + names + ", older than SHIFTLENS_SEND_RETENTION_MONTHS=" + retentionMonths);
            }
            return names;
          });
        });
  }

  /** A round that fails (PostgreSQL away) is logged and tried again at the next tick; one at a time. */
  private void tick() {
    synchronized (this) {
      if (running) return;
      running = true;
    }
    maintain().onComplete(r -> {
      if (r.failed()) LOG.log(Level.WARNING, "sends: keeping the monthly partitions failed, tried again in an hour: "
          + r.cause().getMessage());
      synchronized (this) {
        running = false;
      }
    });
  }
}
