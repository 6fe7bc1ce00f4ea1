package dev.shiftlens.platform;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One server's meters, served at {@code /metrics} in Prometheus text format: Vert.x's own (HTTP
 * server requests by route template, method and status; worker pools; the PostgreSQL client; the
 * JVM) and the {@code shiftlens_*} figures the features record. Every server has a registry of its
 * own, so that several servers in one JVM (the tests) do not add to each other's figures.
 */
public final class Metrics {
  /** Vert.x's timer of HTTP server requests, given a histogram so that dashboards can read percentiles. */
  private static final String HTTP_SERVER_TIME = "vertx.http.server.response.time";
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /**
   * Bucket bounds of the {@code shiftlens_*} timers: fifteen, from a millisecond to a minute, so that a
   * few of them per series keep the scrape small (Vert.x's request timer has Micrometer's finer ones).
   */
  public static final Duration[] TIME_BUCKETS = Stream.of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000)
      .map(Duration::ofMillis).toArray(Duration[]::new);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** Vert.x keeps its registries by name in a JVM-wide map: a name per server keeps them apart. */
  private final String registryName = "shiftlens-" + UUID.randomUUID();

  public Metrics() {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals(HTTP_SERVER_TIME)) return config;
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(true)
            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
            .maximumExpectedValue((double) Duration.ofSeconds(60).toNanos())
            .build()
            .merge(config);
      }
    });
  }

  /**
   * A Vert.x whose metrics go to this registry. Requests are labelled with the route template that
   * answered them (the path with {@code :contact_id}, never the raw path, so that the number of
   * series stays bounded), their method and status code.
   */
  public Vertx vertx(VertxOptions options) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME))
        // PostgreSQL connections are shown by vertx_sql_* and vertx_pool_*; the generic TCP client
        // figures would only repeat them (and warn that two clients register the same gauge).
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * {@code GET /metrics}. Scraping reads every meter and formats a few hundred lines: done on a worker
   * thread, so that a scrape never holds up the requests of an event loop.
   */
  public void scrape(RoutingContext ctx) {
    ctx.vertx().executeBlocking(registry::scrape, false).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else {
        ctx.response().putHeader("Content-Type", CONTENT_TYPE).end(r.result());
      }
    });
  }
}
