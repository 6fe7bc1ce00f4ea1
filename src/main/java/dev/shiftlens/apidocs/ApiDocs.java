package dev.shiftlens.apidocs;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClassPathFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /openapi.yaml}, and Swagger UI at {@code GET /docs} with its scripts and styles under
 * {@code /docs/}. Everything is read from the class path once, at start-up (a missing file fails
 * start-up rather than a later request), and then only written out: an instance is immutable, so
 * every event loop shares one. No key is needed: the document says nothing a client may not know.
 */
public final class ApiDocs {
  /** The OpenAPI document, a resource of this jar. */
  public static final String DOCUMENT = "openapi.yaml";
  /** The webjar files the page uses; the rest of the webjar (other bundles, its demo page) is not served. */
  private static final Map<String, String> ASSETS = Map.of(
      "swagger-ui.css", "text/css; charset=utf-8",
      "index.css", "text/css; charset=utf-8",
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "favicon-32x32.png", "image/png",
      "favicon-16x16.png", "image/png");

  private final Buffer document;
  private final Buffer page;
  private final Map<String, Buffer> assets;

  public ApiDocs() {
    this.document = Buffer.buffer(ClassPathFiles.read(DOCUMENT));
    this.page = Buffer.buffer(ClassPathFiles.read("apidocs/docs.html"));
    String root = ClassPathFiles.webjar("org.webjars", "swagger-ui");
    this.assets = Map.copyOf(ASSETS.keySet().stream()
        .collect(Collectors.toMap(name -> name, name -> Buffer.buffer(ClassPathFiles.read(root + name)))));
  }

  public void document(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(document);
  }

  public void page(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(page);
  }

  /** One of the page's scripts, styles or icons, named by the path parameter {@code asset}. */
  public void asset(RoutingContext ctx) {
    String name = ctx.pathParam("asset");
    Buffer body = assets.get(name);
    if (body == null) {
      ctx.fail(ApiException.notFound("no file '" + name + "' under /docs/"));
      return;
    }
    ctx.response()
        .putHeader("Content-Type", ASSETS.get(name))
        // They change only with the Swagger UI version, that is with a new release of the server.
        .putHeader("Cache-Control", "public, max-age=3600")
        .end(body);
  }
}
