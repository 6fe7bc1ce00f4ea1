package dev.shiftlens.mcp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Calls this server's own REST API over loopback HTTP with the MCP caller's key, so a tool answers
 * exactly what the REST API answers, with the same authentication, validation and errors. Non-blocking:
 * the calls run on the caller's event loop.
 */
final class RestClient {
  /** A REST answer: its status and its JSON body (a problem+json object for errors). */
  record Reply(int status, JsonObject body) {
    boolean ok() {
      return status / 100 == 2;
    }

    /** The problem's detail, else its title, else the status. */
    String detail() {
      String detail = body.getString("detail");
      if (detail == null) detail = body.getString("title");
      return detail == null ? "HTTP " + status : detail;
    }
  }

  private final HttpClient http;
  private final String host;
  private final int port;

  RestClient(Vertx vertx, String host, int port) {
    // The server listens on every interface when its host is a wildcard; loopback then reaches it.
    this.host = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
    this.port = port;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDecompressionSupported(true));
  }

  Future<Reply> get(String path, Map<String, String> query, String authorization) {
    return call(HttpMethod.GET, path + queryString(query), null, authorization);
  }

  Future<Reply> post(String path, JsonObject body, String authorization) {
    return call(HttpMethod.POST, path, body.toBuffer(), authorization);
  }

  Future<Reply> put(String path, JsonObject body, String authorization) {
    return call(HttpMethod.PUT, path, body.toBuffer(), authorization);
  }

  private Future<Reply> call(HttpMethod method, String uri, Buffer body, String authorization) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(uri)
        .putHeader("Authorization", authorization).putHeader("Accept", "application/json").setTimeout(120_000);
    if (body != null) options.putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> new Reply(response.statusCode(), parse(response.statusCode(), bytes))));
  }

  private static JsonObject parse(int status, Buffer bytes) {
    if (bytes.length() == 0) return new JsonObject();
    try {
      return bytes.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject().put("status", status).put("detail", bytes.toString(StandardCharsets.UTF_8));
    }
  }

  /** Path segments are percent-encoded whole, so an id may hold '/', '?' or '#'. */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String queryString(Map<String, String> query) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : query.entrySet()) {
      if (e.getValue() == null) continue;
      b.append(b.length() == 0 ? '?' : '&').append(segment(e.getKey())).append('=').append(segment(e.getValue()));
    }
    return b.toString();
  }

  Future<Void> close() {
    return http.close();
  }
}
