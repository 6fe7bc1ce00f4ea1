package dev.shiftlens.platform;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole configuration, read once at start-up from {@code SHIFTLENS_*} environment variables
 * over defaults. A bad value fails with a {@link ConfigException} that names the variable.
 */
public record Config(
    Http http,
    String apiKey,
    boolean apiKeyGenerated,
    ClickHouse clickhouse,
    Postgres postgres,
    Ingest ingest,
    Windows windows,
    Evaluation evaluation,
    Auth auth,
    Stream stream,
    Clients clients) {

  public record Http(String host, int port, long maxBodyBytes, int maxRowBytes, int instances, int maxConcurrentIngests) {}

  /**
   * ClickHouse: {@code url} is one HTTP URL, or several separated by commas, tried in order (the next
   * when one cannot be reached). With a {@code cluster} name (empty: a single server) the schema is made
   * of replicated local tables and Distributed tables over them, sharded by contact, on that cluster.
   */
  public record ClickHouse(String url, String database, int workerThreads, int timeoutMillis, String cluster) {
    public ClickHouse(String url, String database, int workerThreads, int timeoutMillis) {
      this(url, database, workerThreads, timeoutMillis, "");
    }

    public boolean clustered() {
      return !cluster.isEmpty();
    }

    /** The URLs in the order they are tried. */
    public java.util.List<String> urls() {
      return java.util.Arrays.stream(url.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList();
    }

    /**
     * JDBC URL of the legacy driver for the {@code index}th URL; transfer stays uncompressed because 18.16
     * answers compressed requests with empty bodies. Pooled connections idle for a second are checked
     * before reuse: ClickHouse closes idle ones after 3 s, and a request sent on a closed one is retried by
     * the driver without its body, which ClickHouse answers 400. A user and password in the URL are passed
     * on.
     */
    public String jdbcUrl(int index, String db, int socketTimeoutMillis) {
      URI uri = URI.create(urls().get(index));
      StringBuilder jdbc = new StringBuilder("jdbc:clickhouse://").append(uri.getHost()).append(':')
          .append(uri.getPort() < 0 ? 8123 : uri.getPort()).append('/').append(db)
          .append("?compress=false&validateAfterInactivityMillis=1000&socket_timeout=").append(socketTimeoutMillis);
      if (uri.getUserInfo() != null) {
        String[] userPassword = uri.getUserInfo().split(":", 2);
        jdbc.append("&user=").append(URLEncoder.encode(userPassword[0], StandardCharsets.UTF_8));
        if (userPassword.length == 2) jdbc.append("&password=").append(URLEncoder.encode(userPassword[1], StandardCharsets.UTF_8));
      }
      return jdbc.toString();
    }

    public String jdbcUrl(String db, int socketTimeoutMillis) {
      return jdbcUrl(0, db, socketTimeoutMillis);
    }

    public String jdbcUrl(String db) {
      return jdbcUrl(0, db, timeoutMillis);
    }

    /** The same settings with only {@code oneUrl}. */
    public ClickHouse withUrl(String oneUrl) {
      return new ClickHouse(oneUrl, database, workerThreads, timeoutMillis, cluster);
    }

    /** Hosts and ports, for messages (never the credentials). */
    public String address() {
      return String.join(",", urls().stream().map(u -> {
        URI uri = URI.create(u);
        return uri.getHost() + ":" + (uri.getPort() < 0 ? 8123 : uri.getPort());
      }).toList());
    }
  }

  /**
   * PostgreSQL: sends are kept in monthly partitions; with {@code sendRetentionMonths} above 0 a month is
   * dropped once its every send is older than that many months (0: sends are kept for good).
   */
  public record Postgres(String uri, int poolSize, int sendRetentionMonths) {
    public Postgres(String uri, int poolSize) {
      this(uri, poolSize, 0);
    }

    /** The same server and credentials, but the maintenance database, for creating ours. */
    public String maintenanceUri() {
      URI u = URI.create(uri);
      return new StringBuilder(u.getScheme()).append("://")
          .append(u.getRawAuthority()).append("/postgres")
          .append(u.getRawQuery() == null ? "" : "?" + u.getRawQuery()).toString();
    }

    /** The URI without its password, for messages. */
    public String redacted() {
      URI u = URI.create(uri);
      String user = u.getUserInfo() == null ? "" : u.getUserInfo().replaceAll(":.*", ":***") + "@";
      return u.getScheme() + "://" + user + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + u.getPath();
    }

    public String database() {
      String path = URI.create(uri).getPath();
      return path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    }
  }

  /**
   * Group commit of events into ClickHouse: with no insert running a batch goes at once; while one
   * runs, rows gather until {@code batchRows} or {@code lingerMillis}, with at most
   * {@code maxInFlightInserts} inserts at a time; at most {@code maxPendingBytes} wait in memory,
   * and a request that cannot get room within {@code saturationTimeoutMillis} is answered 503.
   * While ClickHouse cannot take inserts, events are kept in a local spool in {@code spoolDir} of at most
   * {@code spoolMaxBytes} (0: no spool, a failed insert is retried for {@code storeRetryMillis}, then 503);
   * with {@code spoolAlways}, every event goes through the spool (answered once synced to disk).
   */
  public record Ingest(
      int batchRows,
      int lingerMillis,
      long maxPendingBytes,
      int maxInFlightInserts,
      int saturationTimeoutMillis,
      int storeRetryMillis,
      int recentKeys,
      String spoolDir,
      long spoolMaxBytes,
      boolean spoolAlways) {}

  /** Response windows of sends: per channel, else the default. */
  public record Windows(double defaultHours, Map<String, Double> perChannel) {
    public double hoursFor(String channel) {
      return perChannel.getOrDefault(channel, defaultHours);
    }
  }

  /**
   * The behavior engine: a send is due {@code graceMinutes} after its window closed; up to
   * {@code batchSize} due sends are claimed at a time, each for {@code leaseSeconds}, by any number
   * of instances. Baselines cover {@code baselineDays} before the send; a contact seen for less than
   * {@code minBaselineDays} of them has insufficient history. {@code alpha} decides verdicts.
   */
  public record Evaluation(
      boolean enabled,
      int graceMinutes,
      int batchSize,
      int intervalMillis,
      int concurrentBatches,
      int leaseSeconds,
      int baselineDays,
      double minBaselineDays,
      double alpha,
      int profileContacts,
      int profileRefreshMinutes) {}

  /**
   * API keys other than the environment's: a key's scopes, or that a key is unknown, are remembered for
   * {@code keyCacheSeconds} per server, so a revoked key stops working within that time everywhere (at
   * once on the server that revoked it); at most {@code unknownKeyEntries} unknown keys are remembered,
   * and at most {@code maxLookups} lookups of keys not in the cache run at a time. Each server keeps an
   * index of the hashes of the keys not revoked, read again every {@code indexRefreshSeconds} (and changed
   * at once by the keys created and revoked on that server): a key not in it is refused without a lookup,
   * so a key created on another server is refused here for up to that long.
   */
  public record Auth(int keyCacheSeconds, int unknownKeyEntries, int maxLookups, int indexRefreshSeconds) {}

  /**
   * Slow clients: a connection must deliver its first request's headers within
   * {@code headerTimeoutSeconds}; after {@code uploadGraceSeconds}, a request body must keep arriving at
   * {@code minUploadBytesPerSecond} or more (0: no minimum), measured over windows of the grace's length
   * while the server is reading it.
   */
  public record Clients(int headerTimeoutSeconds, int minUploadBytesPerSecond, int uploadGraceSeconds) {}

  /**
   * The live stream: a comment every {@code heartbeatSeconds} (at most 60, well within the idle timeout); at most {@code maxStreams} open per server;
   * each client has {@code bufferBytes} of write queue, beyond which its events are dropped (and counted
   * to it), and it is disconnected when its queue stayed full for {@code stallSeconds}; a client that
   * resumes gets at most {@code replayLimit} missed sends. With {@code acrossServers}, streams hear of the
   * sends that every server evaluates (through PostgreSQL notifications), else only of this server's.
   */
  public record Stream(int heartbeatSeconds, int maxStreams, int bufferBytes, int stallSeconds, int replayLimit,
      boolean acrossServers) {}

  public static Config fromEnvironment() {
    return from(System.getenv());
  }

  public static Config from(Map<String, String> env) {
    Reader r = new Reader(env);
    String key = r.string("SHIFTLENS_API_KEY", "");
    boolean generated = key.isEmpty();
    if (generated) {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      key = "sl_" + HexFormat.of().formatHex(bytes);
    } else if (key.length() < 8) {
      throw new ConfigException("SHIFTLENS_API_KEY", "must be at least 8 characters");
    }
    String clickhouseDatabase = r.identifier("SHIFTLENS_CLICKHOUSE_DATABASE", "shiftlens");
    return new Config(
        new Http(
            r.string("SHIFTLENS_HTTP_HOST", "0.0.0.0"),
            r.integer("SHIFTLENS_HTTP_PORT", 8080, 1, 65535),
            r.longValue("SHIFTLENS_MAX_BODY_BYTES", 512L << 20, 1024, 1L << 40),
            r.integer("SHIFTLENS_MAX_ROW_BYTES", 1 << 20, 256, 64 << 20),
            r.integer("SHIFTLENS_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
            r.integer("SHIFTLENS_MAX_CONCURRENT_INGESTS", 128, 1, 100_000)),
        key,
        generated,
        new ClickHouse(
            r.urls("SHIFTLENS_CLICKHOUSE_URL", "http://127.0.0.1:8123", "http"),
            clickhouseDatabase,
            r.integer("SHIFTLENS_CLICKHOUSE_THREADS", 4, 1, 64),
            r.integer("SHIFTLENS_CLICKHOUSE_TIMEOUT_MS", 60_000, 1_000, 3_600_000),
            r.string("SHIFTLENS_CLICKHOUSE_CLUSTER", "").isEmpty() ? "" : r.identifier("SHIFTLENS_CLICKHOUSE_CLUSTER", "")),
        postgres(r),
        new Ingest(
            r.integer("SHIFTLENS_INGEST_BATCH_ROWS", 200_000, 1, 10_000_000),
            r.integer("SHIFTLENS_INGEST_LINGER_MS", 20, 0, 60_000),
            r.longValue("SHIFTLENS_INGEST_MAX_PENDING_BYTES", 128L << 20, 1 << 20, 64L << 30),
            // One insert at a time: the rows that come while it runs go together in the next, so that load
            // makes inserts larger (ClickHouse's cost per row falls with their size) rather than more numerous.
            r.integer("SHIFTLENS_INGEST_MAX_INFLIGHT", 1, 1, 16),
            r.integer("SHIFTLENS_INGEST_SATURATION_TIMEOUT_MS", 10_000, 0, 600_000),
            r.integer("SHIFTLENS_STORE_RETRY_MS", 5_000, 0, 600_000),
            r.integer("SHIFTLENS_INGEST_RECENT_KEYS", 1_000_000, 0, 100_000_000),
            // One directory per database by default, so that servers of other databases started in the
            // same directory never share a spool (one server per spool: it is locked).
            nonBlank(r, "SHIFTLENS_SPOOL_DIR", "spool/" + clickhouseDatabase),
            r.longValue("SHIFTLENS_SPOOL_MAX_BYTES", 1L << 30, 0, 1L << 50),
            r.bool("SHIFTLENS_SPOOL_ALWAYS", false)),
        new Windows(
            r.decimal("SHIFTLENS_WINDOW_HOURS", 24, 0, 168),
            r.channelHours("SHIFTLENS_CHANNEL_WINDOW_HOURS")),
        evaluation(r),
        new Auth(
            r.integer("SHIFTLENS_KEY_CACHE_SECONDS", 5, 0, 300),
            r.integer("SHIFTLENS_KEY_UNKNOWN_CACHE_ENTRIES", 10_000, 0, 10_000_000),
            r.integer("SHIFTLENS_KEY_MAX_LOOKUPS", 32, 1, 10_000),
            r.integer("SHIFTLENS_KEY_INDEX_REFRESH_SECONDS", 30, 1, 3600)),
        new Stream(
            r.integer("SHIFTLENS_STREAM_HEARTBEAT_SECONDS", 15, 1, 60),
            r.integer("SHIFTLENS_STREAM_MAX", 1000, 1, 1_000_000),
            r.integer("SHIFTLENS_STREAM_BUFFER_BYTES", 256 * 1024, 4096, 64 << 20),
            r.integer("SHIFTLENS_STREAM_STALL_SECONDS", 60, 1, 3600),
            r.integer("SHIFTLENS_STREAM_REPLAY_LIMIT", 1000, 0, 100_000),
            r.bool("SHIFTLENS_STREAM_ACROSS_SERVERS", true)),
        new Clients(
            r.integer("SHIFTLENS_HEADER_TIMEOUT_SECONDS", 10, 1, 600),
            r.integer("SHIFTLENS_MIN_UPLOAD_BYTES_PER_SECOND", 1024, 0, 1 << 30),
            r.integer("SHIFTLENS_UPLOAD_GRACE_SECONDS", 5, 1, 600)));
  }

  private static Evaluation evaluation(Reader r) {
    int baselineDays = r.integer("SHIFTLENS_BASELINE_DAYS", 28, 1, 365);
    double minDays = r.decimal("SHIFTLENS_MIN_BASELINE_DAYS", 7, 0, 365);
    if (minDays > baselineDays) {
      throw new ConfigException("SHIFTLENS_MIN_BASELINE_DAYS", "must not exceed SHIFTLENS_BASELINE_DAYS (" + baselineDays + "), got " + minDays);
    }
    return new Evaluation(
        r.bool("SHIFTLENS_EVALUATION_ENABLED", true),
        r.integer("SHIFTLENS_EVALUATION_GRACE_MINUTES", 60, 0, 7 * 24 * 60),
        r.integer("SHIFTLENS_EVALUATION_BATCH", 1000, 1, 20_000),
        r.integer("SHIFTLENS_EVALUATION_INTERVAL_MS", 1000, 10, 3_600_000),
        r.integer("SHIFTLENS_EVALUATION_CONCURRENCY", 2, 1, 32),
        r.integer("SHIFTLENS_EVALUATION_LEASE_SECONDS", 300, 10, 86_400),
        baselineDays,
        minDays,
        r.decimal("SHIFTLENS_ALPHA", 0.05, 0, 0.5),
        r.integer("SHIFTLENS_PROFILE_CONTACTS", 5_000, 100, 10_000_000),
        r.integer("SHIFTLENS_PROFILE_REFRESH_MINUTES", 60, 1, 7 * 24 * 60));
  }

  private static String nonBlank(Reader r, String name, String fallback) {
    String v = r.string(name, fallback);
    if (v.isEmpty()) throw new ConfigException(name, "must name a directory");
    return v;
  }

  private static Postgres postgres(Reader r) {
    Postgres pg = new Postgres(
        r.url("SHIFTLENS_PG_URI", "postgresql://postgres@127.0.0.1:5432/shiftlens", "postgresql", "postgres"),
        r.integer("SHIFTLENS_PG_POOL_SIZE", 8, 1, 256),
        r.integer("SHIFTLENS_SEND_RETENTION_MONTHS", 0, 0, 1200));
    if (!pg.database().matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new ConfigException("SHIFTLENS_PG_URI", "must name a database that is a plain identifier (letters, digits, underscore), got '"
          + pg.database() + "'");
    }
    return pg;
  }

  /**
   * How long an ingestion request may go without traffic: longer than it can wait for room, for the
   * insert retries and for one insert to time out, so that it is answered rather than cut off.
   */
  public long idleTimeoutMillis() {
    return Math.max(120_000L, (long) ingest.saturationTimeoutMillis() + ingest.storeRetryMillis() + clickhouse.timeoutMillis() + 30_000L);
  }

  /** Parses one variable at a time so that every error names the variable it came from. */
  private record Reader(Map<String, String> env) {
    String string(String name, String fallback) {
      String v = env.get(name);
      return v == null ? fallback : v.trim();
    }

    <T> T parse(String name, T fallback, Function<String, T> parser) {
      String v = env.get(name);
      if (v == null || v.isBlank()) return fallback;
      try {
        return parser.apply(v.trim());
      } catch (ConfigException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new ConfigException(name, "cannot read '" + v + "': " + e.getMessage());
      }
    }

    boolean bool(String name, boolean fallback) {
      return parse(name, fallback, v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw new ConfigException(name, "must be true or false, got '" + v + "'");
      });
    }

    int integer(String name, int fallback, int min, int max) {
      return (int) longValue(name, fallback, min, max);
    }

    long longValue(String name, long fallback, long min, long max) {
      long v = parse(name, fallback, Long::parseLong);
      if (v < min || v > max) throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + v);
      return v;
    }

    /** A number in (min, max]. */
    double decimal(String name, double fallback, double min, double max) {
      double v = parse(name, fallback, Double::parseDouble);
      if (!(v > min && v <= max)) throw new ConfigException(name, "must be in (" + min + ", " + max + "], got " + v);
      return v;
    }

    String identifier(String name, String fallback) {
      String v = string(name, fallback);
      if (!v.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
        throw new ConfigException(name, "must be a plain identifier (letters, digits, underscore), got '" + v + "'");
      }
      return v;
    }

    String url(String name, String fallback, String... schemes) {
      String v = string(name, fallback);
      // A URL may carry a password: messages show it only when it has no user part.
      String shown = v.contains("@") ? "(not shown: it has credentials)" : "'" + v + "'";
      URI uri;
      try {
        uri = URI.create(v);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, "is not a URL (special characters in a password must be percent-encoded): " + shown);
      }
      if (uri.getScheme() == null || uri.getHost() == null || !java.util.List.of(schemes).contains(uri.getScheme())) {
        throw new ConfigException(name, "must be a " + String.join(" or ", schemes) + ":// URL with a host, got " + shown);
      }
      return v;
    }

    /** One URL or several separated by commas, each checked as {@link #url} checks one. */
    String urls(String name, String fallback, String... schemes) {
      String v = string(name, fallback);
      java.util.List<String> parts = java.util.Arrays.stream(v.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
      if (parts.isEmpty()) throw new ConfigException(name, "must name at least one URL");
      for (String part : parts) new Reader(Map.of(name, part)).url(name, part, schemes);
      return String.join(",", parts);
    }

    /** {@code push=6,email=24}. */
    Map<String, Double> channelHours(String name) {
      Map<String, Double> out = new LinkedHashMap<>();
      String v = string(name, "");
      if (v.isEmpty()) return Map.of();
      for (String part : v.split(",")) {
        String[] kv = part.split("=", 2);
        double hours;
        try {
          hours = kv.length == 2 ? Double.parseDouble(kv[1].trim()) : Double.NaN;
        } catch (NumberFormatException e) {
          hours = Double.NaN;
        }
        if (kv[0].isBlank() || !(hours > 0 && hours <= 168)) {
          throw new ConfigException(name, "expects channel=hours pairs with hours in (0, 168], got '" + part + "'");
        }
        out.put(kv[0].trim(), hours);
      }
      return Map.copyOf(out);
    }
  }
}
