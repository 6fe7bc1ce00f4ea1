package dev.shiftlens.query;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClickHouse;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/metrics/sends}. Parses on the request's event loop, sums in ClickHouse on its worker
 * pool (one row per group, arm and day of evaluation), reads configured holdout shares from PostgreSQL
 * when grouping by message, and folds the days into lifts and running-minimum p-values on a worker
 * thread (a ratio p-value per group and day is a bisection: not for an event loop).
 */
public final class MetricsApi {
  private final MetricsRepository metrics;
  private final MessageRepository messages;
  private final double alpha;

  public MetricsApi(ClickHouse clickhouse, MessageRepository messages, double alpha) {
    this.metrics = new MetricsRepository(clickhouse);
    this.messages = messages;
    this.alpha = alpha;
  }

  public void sends(RoutingContext ctx) {
    MetricsQuery query;
    try {
      query = MetricsQuery.parse(ctx.queryParams());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    // The worker pool completes its futures back on this event loop.
    metrics.days(query)
        .compose(days -> shares(query, days).compose(shares ->
            ctx.vertx().executeBlocking(() -> MetricsReport.build(query, days, shares, alpha), false)))
        .onComplete(report -> {
          if (report.failed()) ctx.fail(ApiException.storeUnavailable(report.cause()));
          else ctx.json(report.result());
        });
  }

  private Future<Map<String, Double>> shares(MetricsQuery query, List<MetricsRepository.ArmDay> days) {
    if (!query.groupBy().equals("message_id")) return Future.succeededFuture(Map.of());
    return messages.holdoutShares(days.stream().map(MetricsRepository.ArmDay::key).distinct().toList());
  }
}
