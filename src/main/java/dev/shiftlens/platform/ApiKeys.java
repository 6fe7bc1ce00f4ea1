package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;

/**
 * Bearer-key authentication. The key of {@code SHIFTLENS_API_KEY} always exists and has every scope.
 * Missing or unknown key: 401; a known key without the scope: 403.
 */
public final class ApiKeys {
  private final byte[] environmentKey;

  public ApiKeys(String environmentKey) {
    this.environmentKey = environmentKey.getBytes(StandardCharsets.UTF_8);
  }

  /** Scopes of a presented key; empty when the key is unknown. */
  public Future<Set<Scope>> scopesOf(String key) {
    if (MessageDigest.isEqual(environmentKey, key.getBytes(StandardCharsets.UTF_8))) {
      return Future.succeededFuture(EnumSet.allOf(Scope.class));
    }
    return Future.succeededFuture(Set.of());
  }

  /** A route handler that lets the request through only with a key that has {@code scope}. */
  public io.vertx.core.Handler<RoutingContext> require(Scope scope) {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        ctx.fail(new ApiException(401, "Unauthorized", "send an API key as 'Authorization: Bearer <key>'"));
        return;
      }
      scopesOf(header.substring(7).strip()).onComplete(result -> {
        if (result.failed()) {
          ctx.fail(result.cause());
        } else if (result.result().isEmpty()) {
          ctx.fail(new ApiException(401, "Unauthorized", "unknown API key"));
        } else if (!result.result().contains(scope)) {
          ctx.fail(new ApiException(403, "Forbidden", "this API key lacks the '" + scope.name().toLowerCase() + "' scope"));
        } else {
          ctx.next();
        }
      });
    };
  }
}
