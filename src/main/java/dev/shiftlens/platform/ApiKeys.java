package dev.shiftlens.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Bearer-key authentication. The key of {@code SHIFTLENS_API_KEY} always exists and has every scope;
 * other keys are created through the admin API and kept in PostgreSQL by their SHA-256 only. Missing
 * or unknown key: 401; a known key without the scope: 403.
 *
 * <p>Keys are 256 random bits, so their SHA-256 is as good as a slow password hash and lets the
 * store find a key by an index on it. What the store answers is cached for a few seconds
 * ({@link KeyCache}); that is also how long a revoked key may still work on other servers. Shared by
 * the HTTP event loops; the store's answers arrive on the asking request's event loop.
 *
 * <p>Only keys in the index of stored keys ({@link KnownKeys}) are ever looked up: any other key is a
 * 401 at the cost of a hash, so unknown keys cannot take lookups from known ones. The index is read
 * again every {@code SHIFTLENS_KEY_INDEX_REFRESH_SECONDS} on a timer; refusals of unknown keys are
 * logged as one summary line a minute, never one line each.
 */
public final class ApiKeys {
  private static final Logger LOG = Logger.getLogger(ApiKeys.class.getName());
  private static final long SUMMARY_MILLIS = 60_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Characters of a key shown in listings: {@code sl_} and 9 of its 43 random characters (54 of 256 bits). */
  static final int PREFIX_LENGTH = 12;

  /** One digest per thread: looking the algorithm up again for every request cost more than hashing the key. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  });

  private final byte[] environmentKeyHash;
  private final ApiKeyStore store;
  private final KeyCache cache;
  private final int maxLookups;
  private final AtomicInteger lookups = new AtomicInteger();
  private final KnownKeys index = new KnownKeys();
  private final long indexRefreshMillis;
  private final Counter knownLookups;
  private final Counter unknownLookups;
  private final Counter failedLookups;
  private final Counter refusedUnknown;
  private final Counter refusedMissing;
  /** Unknown keys refused since the last summary line. */
  private final AtomicLong unknownSinceSummary = new AtomicLong();
  private long refreshTimer = -1;
  private long summaryTimer = -1;

  ApiKeys(String environmentKey, ApiKeyStore store, Config.Auth auth, MeterRegistry registry) {
    this.environmentKeyHash = sha256(environmentKey);
    this.store = store;
    this.cache = new KeyCache(TimeUnit.SECONDS.toNanos(auth.keyCacheSeconds()), auth.unknownKeyEntries());
    this.maxLookups = auth.maxLookups();
    this.indexRefreshMillis = TimeUnit.SECONDS.toMillis(auth.indexRefreshSeconds());
    knownLookups = lookupCounter(registry, "known");
    unknownLookups = lookupCounter(registry, "unknown");
    failedLookups = lookupCounter(registry, "failed");
    refusedUnknown = refusedCounter(registry, "unknown");
    refusedMissing = refusedCounter(registry, "missing");
    Gauge.builder("shiftlens.api.key.index.size", index, KnownKeys::size)
        .description("Stored keys not revoked in this server's index; keys not in it are refused without a lookup")
        .register(registry);
  }

  private static Counter lookupCounter(MeterRegistry registry, String result) {
    return Counter.builder("shiftlens.api.key.lookups")
        .description("API keys looked up in PostgreSQL, by what the store answered (known, unknown, failed)")
        .tag("result", result)
        .register(registry);
  }

  private static Counter refusedCounter(MeterRegistry registry, String reason) {
    return Counter.builder("shiftlens.api.key.refused")
        .description("Requests refused with 401: no key (missing) or a key that is not stored (unknown)")
        .tag("reason", reason)
        .register(registry);
  }

  /** Reads the index of stored keys; the server starts serving once it has. */
  Future<Void> loadIndex() {
    long started = System.nanoTime();
    return store.hashes().map(hashes -> {
      index.replace(hashes, started);
      return null;
    });
  }

  /**
   * Reads the index again every refresh period (a failed read keeps the index it had, and says so),
   * and writes the minute's summary of refused unknown keys. Timers on Vert.x; the reads do not block.
   */
  void watch(Vertx vertx) {
    refreshTimer = vertx.setPeriodic(indexRefreshMillis, id -> loadIndex().onFailure(e ->
        LOG.warning("the index of API keys could not be read again (the previous one stays in use): " + e)));
    summaryTimer = vertx.setPeriodic(SUMMARY_MILLIS, id -> {
      long refused = unknownSinceSummary.getAndSet(0);
      if (refused > 0) {
        LOG.warning("refused " + refused + " request(s) with unknown API keys in the last minute"
            + " (each refused from the index of known keys, without a lookup)");
      }
    });
  }

  void stopWatching(Vertx vertx) {
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
    if (summaryTimer >= 0) vertx.cancelTimer(summaryTimer);
  }

  /**
   * Scopes of a presented key; empty when the key is unknown. Fails with a 503 {@link ApiException}
   * when the store cannot be asked, or too many unknown keys are being looked up at once.
   */
  public Future<Set<Scope>> scopesOf(String key) {
    byte[] hash = sha256(key);
    // Digests of equal length compared in constant time: the environment key leaks neither bytes nor length.
    if (MessageDigest.isEqual(environmentKeyHash, hash)) return Future.succeededFuture(EnumSet.allOf(Scope.class));
    String hex = HexFormat.of().formatHex(hash);
    if (!index.contains(hex)) {
      refusedUnknown.increment();
      unknownSinceSummary.incrementAndGet();
      return Future.succeededFuture(Set.of());
    }
    Set<Scope> cached = cache.get(hex, System.nanoTime());
    if (cached != null) return Future.succeededFuture(cached);
    if (lookups.incrementAndGet() > maxLookups) {
      lookups.decrementAndGet();
      return Future.failedFuture(ApiException.unavailable("too many API keys are being checked at once", 1));
    }
    long asked = System.nanoTime();
    return store.authenticate(hash)
        .andThen(r -> {
          lookups.decrementAndGet();
          (r.failed() ? failedLookups : r.result().isEmpty() ? unknownLookups : knownLookups).increment();
        })
        .map(scopes -> {
          cache.put(hex, scopes, asked);
          return scopes;
        })
        .recover(e -> Future.failedFuture(ApiException.storeUnavailable("API keys cannot be checked now; retry shortly", e)));
  }

  /** A route handler that lets the request through only with a key that has {@code scope}. */
  public Handler<RoutingContext> require(Scope scope) {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        refusedMissing.increment();
        ctx.fail(new ApiException(401, "Unauthorized", "send an API key as 'Authorization: Bearer <key>'"));
        return;
      }
      scopesOf(header.substring(7).strip()).onComplete(result -> {
        if (result.failed()) {
          ctx.fail(result.cause());
        } else if (result.result().isEmpty()) {
          ctx.fail(new ApiException(401, "Unauthorized", "unknown API key"));
        } else if (!result.result().contains(scope)) {
          ctx.fail(new ApiException(403, "Forbidden", "this API key lacks the '" + scope.label() + "' scope"));
        } else {
          ctx.next();
        }
      });
    };
  }

  /** A new key: {@code sl_} and 43 URL-safe characters of 256 random bits. */
  static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "sl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String key) {
    return SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8));
  }

  ApiKeyStore store() {
    return store;
  }

  /** After a creation: this server accepts the key at once (others after their next index refresh). */
  void added(byte[] hash) {
    index.added(HexFormat.of().formatHex(hash));
  }

  /** After a revocation: this server stops accepting the key at once (others within the cache period). */
  void forget(byte[] hash) {
    String hex = HexFormat.of().formatHex(hash);
    index.removed(hex);
    cache.invalidate(hex);
  }
}
