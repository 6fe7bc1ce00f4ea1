package dev.shiftlens.audience;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.Bodies;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/audiences/query}. Runs on the request's event loop. */
public final class AudienceApi {
  /** Largest query body: fifty filters with a thousand values each fit well within it. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Audiences audiences;

  public AudienceApi(Audiences audiences) {
    this.audiences = audiences;
  }

  public void query(RoutingContext ctx) {
    Bodies.read(ctx, MAX_BODY_BYTES)
        .map(AudienceRequest::parse)
        .compose(request -> audiences.query(request)
            .recover(e -> Future.failedFuture(ApiException.storeUnavailable(e))))
        .onComplete(answer -> {
          if (answer.failed()) ctx.fail(answer.cause());
          else ctx.json(answer.result());
        });
  }
}
