package dev.shiftlens.dashboard;

import dev.shiftlens.platform.ApiException;
import dev.shiftlens.platform.ClassPathFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /dashboard}: the dashboard's page, and its scripts, styles and uPlot under
 * {@code /dashboard/}. Every file is read from the class path once, at start-up (a missing one fails
 * start-up rather than a request), and then only written out: an instance is immutable, so every
 * event loop shares one. No key is needed for the files: they hold no data, and the page asks its
 * user for a key before it reads any.
 */
public final class Dashboard {
  /** Where the files of {@code dashboards/web/} are on the class path. */
  static final String ROOT = "dashboard/";
  /** The dashboard's own files, as named under {@code /dashboard/}. */
  static final List<String> FILES = List.of(
      "index.html", "style.css", "app.js", "api.js", "stream.js", "charts.js", "overview.js", "contact.js", "format.js",
      "favicon.svg");
  /** The uPlot files the page uses, by the names it loads them under, and their place in the webjar. */
  private static final Map<String, String> UPLOT = Map.of(
      "uplot.min.js", "dist/uPlot.iife.min.js",
      "uplot.min.css", "dist/uPlot.min.css");
  /**
   * The page talks to this server only; scripts and styles come from files (uPlot and the page set
   * styles through the DOM, which this allows), and no other site may frame the page, which holds a key.
   */
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Map<String, Buffer> files;

  public Dashboard() {
    Map<String, Buffer> files = new LinkedHashMap<>();
    for (String name : FILES) files.put(name, Buffer.buffer(ClassPathFiles.read(ROOT + name)));
    String uplot = ClassPathFiles.webjar("org.webjars.npm", "uplot");
    UPLOT.forEach((name, path) -> files.put(name, Buffer.buffer(ClassPathFiles.read(uplot + path))));
    this.files = Map.copyOf(files);
  }

  /** The page itself, at {@code /dashboard} and {@code /dashboard/}. */
  public void page(RoutingContext ctx) {
    write(ctx.response(), "index.html").end(files.get("index.html"));
  }

  /** One of the page's files, named by the path parameter {@code file}. */
  public void file(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    Buffer body = files.get(name);
    if (body == null) {
      ctx.fail(ApiException.notFound("no file '" + name + "' under /dashboard/"));
      return;
    }
    write(ctx.response(), name).end(body);
  }

  private static HttpServerResponse write(HttpServerResponse response, String name) {
    return response
        .putHeader("Content-Type", contentType(name))
        // The files change with a new release of the server; a browser asks again each time, cheaply.
        .putHeader("Cache-Control", "no-cache")
        .putHeader("Content-Security-Policy", POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
  }

  static String contentType(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> throw new IllegalArgumentException("no content type for " + name);
    };
  }
}
