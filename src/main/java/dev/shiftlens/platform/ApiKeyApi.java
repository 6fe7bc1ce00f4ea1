package dev.shiftlens.platform;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /v1/admin/keys}, {@code GET /v1/admin/keys}, {@code DELETE /v1/admin/keys/{id}}: API keys
 * with scopes. The key itself is in the creation's answer only; listings show its prefix. Runs on the
 * request's event loop.
 */
final class ApiKeyApi {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final ApiKeys keys;

  ApiKeyApi(ApiKeys keys) {
    this.keys = keys;
  }

  void create(RoutingContext ctx) {
    Bodies.read(ctx, MAX_BODY_BYTES)
        .map(ApiKeyRequest::parse)
        .compose(request -> {
          String key = ApiKeys.newKey();
          byte[] hash = ApiKeys.sha256(key);
          return keys.store().insert(UUID.randomUUID(), request.name(), hash, key.substring(0, ApiKeys.PREFIX_LENGTH),
                  request.scopes())
              .map(stored -> {
                keys.added(hash);
                return stored.put("key", key);
              })
              .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e)));
        })
        .onComplete(created -> {
          if (created.failed()) {
            ctx.fail(created.cause());
            return;
          }
          ctx.response().setStatusCode(201)
              .putHeader("Cache-Control", "no-store")
              .putHeader("Location", "/v1/admin/keys/" + created.result().getString("id"));
          ctx.json(created.result());
        });
  }

  void list(RoutingContext ctx) {
    keys.store().list().onComplete(listed -> {
      if (listed.failed()) ctx.fail(ApiException.storeUnavailable(listed.cause()));
      else ctx.json(new JsonObject().put("items", new JsonArray(listed.result())));
    });
  }

  void revoke(RoutingContext ctx) {
    String raw = ctx.pathParam("key_id");
    UUID id;
    try {
      id = UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      ctx.fail(ApiException.notFound("no API key with id '" + raw + "'"));
      return;
    }
    keys.store().revoke(id).onComplete(revoked -> {
      if (revoked.failed()) {
        ctx.fail(ApiException.storeUnavailable(revoked.cause()));
      } else if (revoked.result() == null) {
        ctx.fail(ApiException.notFound("no API key with id '" + raw + "'"));
      } else {
        keys.forget(revoked.result());
        ctx.response().setStatusCode(204).end();
      }
    });
  }
}
