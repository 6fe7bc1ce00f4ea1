package dev.shiftlens.dashboard;

import dev.shiftlens.platform.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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
  private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
  private static final String WEBJAR_VERSION = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
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
    for (String name : FILES) files.put(name, Buffer.buffer(resource(ROOT + name)));
    String uplot = WEBJAR + webjarVersion() + "/";
    UPLOT.forEach((name, path) -> files.put(name, Buffer.buffer(resource(uplot + path))));
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

  /** The version of the uPlot webjar on the class path, which names the folder of its files. */
  private static String webjarVersion() {
    Properties p = new Properties();
    try (InputStream in = stream(WEBJAR_VERSION)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version");
    if (version == null || version.isBlank()) throw new IllegalStateException(WEBJAR_VERSION + " names no version");
    return version.strip();
  }

  private static byte[] resource(String name) {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(String name) {
    InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name);
    if (in == null) throw new IllegalStateException("no " + name + " on the class path");
    return in;
  }
}
