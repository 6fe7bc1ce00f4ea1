package dev.shiftlens.apidocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shiftlens.support.TestServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the server it describes: every route the router has is documented
 * with its method, every documented operation is answered by a route, the scopes and error responses
 * it declares are the ones the server gives, and it is served, with Swagger UI, without a key.
 */
class OpenApiDocumentEndToEndTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  /** Swagger UI's and the dashboard's own files: parts of {@code /docs} and {@code /dashboard}, not operations of the API. */
  private static final Set<String> UNDOCUMENTED = Set.of("GET /docs/index.html", "GET /docs/{asset}", "GET /dashboard/{file}");
  private static final Set<String> SCOPES = Set.of("ingest", "read", "admin");

  private static TestServer server;
  private static JsonNode doc;
  private static String served;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start();
    HttpResponse<String> r = server.send(HttpRequest.newBuilder(URI.create(server.url("/openapi.yaml"))).GET());
    assertEquals(200, r.statusCode(), r.body());
    served = r.body();
    doc = new ObjectMapper(new YAMLFactory()).readTree(served);
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** One documented operation: its method, its path template and its definition. */
  private record Operation(String method, String path, JsonNode definition) {
    String key() {
      return method + " " + path;
    }

    boolean secured() {
      JsonNode security = definition.has("security") ? definition.get("security") : doc.get("security");
      return security != null && !security.isEmpty();
    }
  }

  private static List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (METHODS.contains(op.getKey())) out.add(new Operation(op.getKey().toUpperCase(), path.getKey(), op.getValue()));
    }));
    return out;
  }

  /** The router's routes as "METHOD /path/{param}", one per method. */
  private static Set<String> registered() {
    Set<String> out = new TreeSet<>();
    for (Route route : server.routes()) {
      if (route.getPath() == null || route.methods() == null) continue;
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      for (HttpMethod m : route.methods()) out.add(m.name() + " " + path);
    }
    return out;
  }

  private static JsonNode resolve(JsonNode node) {
    while (node.has("$ref")) node = doc.at(node.get("$ref").asText().substring(1));
    return node;
  }

  @Test
  void theServedDocumentIsTheOneInTheJarAndIsOpenApi3() throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(ApiDocs.DOCUMENT)) {
      assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), served);
    }
    assertTrue(doc.get("openapi").asText().startsWith("3."), "openapi: " + doc.get("openapi"));
    assertFalse(operations().isEmpty());
  }

  @Test
  void everyReferenceInTheDocumentResolves() {
    List<String> broken = new ArrayList<>();
    walk(doc, "", (where, node) -> {
      if (node.has("$ref") && doc.at(node.get("$ref").asText().replaceFirst("^#", "")).isMissingNode()) {
        broken.add(where + " -> " + node.get("$ref").asText());
      }
    });
    assertTrue(broken.isEmpty(), "references to nothing: " + broken);
  }

  @Test
  void everyRouteOfTheRouterIsDocumentedWithItsMethod() {
    Set<String> documented = new TreeSet<>();
    operations().forEach(op -> documented.add(op.key()));
    Set<String> registered = registered();
    assertTrue(registered.contains("GET /v1/sends/{send_id}"), "the router's routes as read: " + registered);
    Set<String> missing = new TreeSet<>(registered);
    missing.removeAll(documented);
    missing.removeAll(UNDOCUMENTED);
    assertTrue(missing.isEmpty(), "routes of the server that openapi.yaml does not document: " + missing);
  }

  @Test
  void everyDocumentedOperationIsAnsweredByARouteOfItsOwn() throws Exception {
    List<String> unanswered = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Operation op : operations()) {
      Answer a = call(op, TestServer.KEY);
      if (a.noRoute()) {
        unanswered.add(op.key() + " (" + a.status + ")");
        continue;
      }
      if (a.status >= 400 && !a.isProblem()) wrong.add(op.key() + ": " + a.status + " as " + a.contentType);
      JsonNode responses = op.definition().get("responses");
      if (!responses.has(String.valueOf(a.status))) {
        wrong.add(op.key() + ": answered " + a.status + ", which it does not document (" + a.body + ")");
      } else {
        JsonNode content = resolve(responses.get(String.valueOf(a.status))).get("content");
        if (content != null && !content.has(a.mediaType())) {
          wrong.add(op.key() + ": answered " + a.status + " as " + a.contentType + ", documented " + names(content));
        }
      }
    }
    assertTrue(unanswered.isEmpty() && wrong.isEmpty(), "documented operations that no route answers: " + unanswered
        + "\noperations that answer otherwise than documented: " + wrong);
  }

  @Test
  void everyOperationNamesItsScopeAndWithoutAKeyTheSecuredOnesAnswer401() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Operation op : operations()) {
      JsonNode scope = op.definition().get("x-required-scope");
      if (op.secured() && (scope == null || !SCOPES.contains(scope.asText()))) wrong.add(op.key() + ": no x-required-scope");
      if (!op.secured() && scope != null) wrong.add(op.key() + ": a scope on an operation without security");
      if (op.secured() && !op.definition().get("responses").has("401")) wrong.add(op.key() + ": 401 not documented");
      Answer a = call(op, null);
      if (a.noRoute()) continue; // reported by everyDocumentedOperationIsAnsweredByARouteOfItsOwn
      if (op.secured() && (a.status != 401 || !a.isProblem())) wrong.add(op.key() + ": without a key answered " + a.status);
      if (!op.secured() && a.status == 401) wrong.add(op.key() + ": documented without security, yet answered 401");
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /**
   * A key with only the {@code read} or only the {@code ingest} scope, made through the API, is refused
   * with 403 exactly where the operation's {@code x-required-scope} is another scope. (Whether
   * {@code admin} includes the others is left open: a key with only that scope is not tried.)
   */
  @Test
  void aKeyWithOneScopeIsRefusedWith403ExactlyByTheOperationsThatNeedAnother() throws Exception {
    Map<String, String> keys = new TreeMap<>();
    for (String scope : List.of("read", "ingest")) {
      HttpResponse<String> r = send(request("/v1/admin/keys").header("Authorization", "Bearer " + TestServer.KEY)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "openapi-" + scope)
              .put("scopes", new JsonArray().add(scope)).encode())));
      assertTrue(r.statusCode() == 200 || r.statusCode() == 201,
          "POST /v1/admin/keys, which this check needs to make keys with one scope, answered " + r.statusCode() + ": " + abbreviate(r.body()));
      String secret = new JsonObject(r.body()).getString("key");
      assertTrue(secret != null, "POST /v1/admin/keys answered without the documented 'key' member: " + abbreviate(r.body()));
      keys.put(scope, secret);
    }
    List<String> wrong = new ArrayList<>();
    for (Operation op : operations()) {
      if (!op.secured()) continue;
      String needed = op.definition().path("x-required-scope").asText();
      for (Map.Entry<String, String> key : keys.entrySet()) {
        Answer a = call(op, key.getValue());
        if (a.noRoute()) continue; // reported by everyDocumentedOperationIsAnsweredByARouteOfItsOwn
        boolean refused = a.status == 403 && a.isProblem();
        if (key.getKey().equals(needed) && (refused || a.status == 401)) {
          wrong.add(op.key() + ": a '" + key.getKey() + "' key was refused with " + a.status);
        } else if (!key.getKey().equals(needed) && !refused) {
          wrong.add(op.key() + ": a '" + key.getKey() + "' key was let through (" + a.status + ") to an operation that needs '" + needed + "'");
        }
      }
    }
    assertTrue(wrong.isEmpty(), "scopes that differ from x-required-scope:\n" + String.join("\n", wrong));
  }

  @Test
  void everyDocumentedErrorResponseIsProblemJson() {
    List<String> wrong = new ArrayList<>();
    for (Operation op : operations()) {
      op.definition().get("responses").fields().forEachRemaining(r -> {
        if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
          JsonNode content = resolve(r.getValue()).get("content");
          if (content == null || content.size() != 1 || !content.has("application/problem+json")) {
            wrong.add(op.key() + " " + r.getKey() + ": " + (content == null ? "no content" : names(content)));
          }
        }
      });
    }
    assertTrue(wrong.isEmpty(), "error responses not documented as application/problem+json: " + wrong);
  }

  @Test
  void theDocumentAndSwaggerUiAreServedWithoutAKeyAndCallNoOtherHost() throws Exception {
    HttpResponse<String> yaml = plain("/openapi.yaml");
    assertEquals(200, yaml.statusCode());
    assertTrue(yaml.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"), yaml.headers().toString());

    HttpResponse<String> page = plain("/docs");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("url: \"/openapi.yaml\""), page.body());
    assertFalse(page.body().matches("(?s).*https?://.*"), "the page names another host: " + page.body());
    assertEquals(page.body(), plain("/docs/").body());

    Matcher files = Pattern.compile("(?:src|href)=\"(/docs/[^\"]+)\"").matcher(page.body());
    List<String> fetched = new ArrayList<>();
    while (files.find()) {
      // Twice: the files are held in memory and must survive being written more than once.
      for (int i = 0; i < 2; i++) {
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(server.url(files.group(1)))).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode(), files.group(1));
        assertTrue(file.body().length > 100, files.group(1));
      }
      fetched.add(files.group(1));
    }
    assertTrue(fetched.contains("/docs/swagger-ui-bundle.js") && fetched.contains("/docs/swagger-ui.css"), "fetched " + fetched);
    String bundle = plain("/docs/swagger-ui-bundle.js").body();
    assertTrue(bundle.contains("SwaggerUIBundle"));

    HttpResponse<String> missing = plain("/docs/nothing.js");
    assertEquals(404, missing.statusCode());
    assertProblem(missing, 404);
  }

  @Test
  void errorsAcrossTheApiAreProblemJson() throws Exception {
    String key = "Bearer " + TestServer.KEY;
    assertProblem(server.get("/v1/nowhere"), 404);
    assertProblem(plain("/v1/sends"), 401);
    assertEquals("Bearer", plain("/v1/sends").headers().firstValue("WWW-Authenticate").orElse(null));
    assertProblem(send(request("/v1/sends").header("Authorization", "Bearer not-a-key").GET()), 401);

    HttpResponse<String> bad = server.get("/v1/sends?limit=0");
    assertProblem(bad, 400);
    assertEquals("limit", new JsonObject(bad.body()).getString("field"));
    // Not valid percent-encoding: java.net.URI refuses to send such a request, so it goes over a socket.
    raw("GET /v1/sends?contact_id=%zz HTTP/1.1").assertProblem(400);
    raw("GET /v1/sends/%zz HTTP/1.1").assertProblem(400);
    raw("GET /v1/sends HTTP/1.1 extra").assertProblem(400);

    HttpResponse<String> wrongMethod = send(request("/v1/sends").header("Authorization", key).DELETE());
    assertProblem(wrongMethod, 405);
    assertEquals("GET, HEAD, POST", wrongMethod.headers().firstValue("Allow").orElse(null));
    assertProblem(send(request("/v1/status").header("Authorization", key).POST(HttpRequest.BodyPublishers.ofString("{}"))), 405);
    assertProblem(send(request("/v1/event-types/x").header("Authorization", key).GET()), 405);

    // HEAD goes wherever GET goes, without the body.
    HttpResponse<String> head = send(request("/v1/sends").header("Authorization", key).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, head.statusCode());
    assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), head.headers().toString());
    assertEquals("", head.body());
    HttpResponse<String> headWithoutKey = send(request("/v1/status").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(401, headWithoutKey.statusCode());
    assertTrue(headWithoutKey.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    assertEquals(200, send(request("/health").method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
    HttpResponse<String> headOnPostOnly = send(request("/v1/events").header("Authorization", key).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, headOnPostOnly.statusCode());
    assertEquals("POST", headOnPostOnly.headers().firstValue("Allow").orElse(null));

    assertProblem(put("/v1/event-types/x", "application/json", "{not json".getBytes(StandardCharsets.UTF_8)), 400);
    assertProblem(put("/v1/event-types/x", "application/json", new byte[200_000]), 413);
    assertProblem(server.post("/v1/events", "application/json", "[{\"contact_id\": "), 400);
    assertProblem(server.post("/v1/events", "application/xml", "<events/>"), 415);

    assertProblem(send(request("/v1/sends?contact_id=" + "a".repeat(20_000)).header("Authorization", key).GET()), 414);
    assertProblem(send(request("/v1/status").header("Authorization", key).header("X-Padding", "a".repeat(20_000)).GET()), 431);
  }

  // ---------------------------------------------------------------------------------------------

  private record RawAnswer(String request, int status, String head, String body) {
    void assertProblem(int expected) {
      String where = request + " -> " + head + "\n\n" + abbreviate(body);
      assertEquals(expected, status, where);
      assertTrue(head.toLowerCase().contains("\ncontent-type: application/problem+json"), where);
      assertEquals(expected, new JsonObject(body).getInteger("status"), where);
    }
  }

  /** Sends {@code requestLine} with the admin key as it is, on a connection of its own, and reads the answer to its end. */
  private static RawAnswer raw(String requestLine) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(30_000);
      String request = requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestServer.KEY + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = split < 0 ? text : text.substring(0, split).replace("\r\n", "\n");
      String body = split < 0 ? "" : text.substring(split + 4);
      int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
      return new RawAnswer(requestLine, status, head, body);
    }
  }

  private record Answer(int status, String contentType, String body) {
    String mediaType() {
      int semi = contentType.indexOf(';');
      return (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
    }

    boolean isProblem() {
      return mediaType().equals("application/problem+json");
    }

    /** The router's own answer when no route has the path, or none the method. */
    boolean noRoute() {
      return (status == 404 && body.contains("\"no route ")) || status == 405;
    }
  }

  /**
   * Calls a documented operation with {@code key} (or none): parameters in the path are filled with
   * a value that names nothing, a body with {@code {}} in the first documented content type, and an
   * event stream is read only up to its headers.
   */
  private Answer call(Operation op, String key) throws Exception {
    String path = op.path().replaceAll("\\{[^}]+}", "no-such-id");
    HttpRequest.Builder b = request(path).timeout(Duration.ofSeconds(30));
    if (key != null) b.header("Authorization", "Bearer " + key);
    JsonNode body = op.definition().get("requestBody");
    if (body != null) {
      String type = body.get("content").fieldNames().next();
      String text = type.equals("application/json") ? (resolve(body.get("content").get(type).get("schema")).path("type").asText().equals("array") ? "[]" : "{}") : "";
      b.header("Content-Type", type).method(op.method(), HttpRequest.BodyPublishers.ofString(text));
    } else {
      b.method(op.method(), HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (java.net.http.HttpTimeoutException e) {
      return new Answer(-1, "", "no answer within 30 s"); // e.g. a stream that sends no headers until its first event
    }
    String contentType = r.headers().firstValue("Content-Type").orElse("");
    String text;
    try (InputStream in = r.body()) {
      // A stream never ends: its headers are the answer.
      text = contentType.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return new Answer(r.statusCode(), contentType, text);
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> plain(String path) throws Exception {
    return send(request(path).GET());
  }

  private HttpResponse<String> put(String path, String type, byte[] body) throws Exception {
    return send(request(path).header("Authorization", "Bearer " + TestServer.KEY).header("Content-Type", type)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static void assertProblem(HttpResponse<String> r, int status) {
    String where = r.request().method() + " " + r.request().uri().getRawPath() + " -> " + r.statusCode() + " "
        + r.headers().firstValue("Content-Type").orElse("(no content type)") + " " + abbreviate(r.body());
    assertEquals(status, r.statusCode(), where);
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), where);
    JsonObject problem = new JsonObject(r.body());
    assertEquals(status, problem.getInteger("status"), where);
    assertTrue(problem.getString("title") != null && problem.getString("detail") != null && problem.getString("type") != null, where);
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private interface Visitor {
    void visit(String where, JsonNode node);
  }

  private static void walk(JsonNode node, String where, Visitor visitor) {
    if (node.isObject()) {
      visitor.visit(where, node);
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        walk(f.getValue(), where + "/" + f.getKey(), visitor);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) walk(node.get(i), where + "/" + i, visitor);
    }
  }
}
