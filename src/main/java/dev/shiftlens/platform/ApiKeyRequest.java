package dev.shiftlens.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The body of {@code POST /v1/admin/keys}: {@code {"name": "...", "scopes": ["read", ...]}}. */
record ApiKeyRequest(String name, Set<Scope> scopes) {
  static final int MAX_NAME_LENGTH = 200;

  ApiKeyRequest {
    EnumSet<Scope> ordered = EnumSet.noneOf(Scope.class);
    ordered.addAll(scopes);
    scopes = Collections.unmodifiableSet(ordered); // listed in the order ingest, read, admin
  }

  /** Parses and checks a body; a bad one fails with a 400 {@link ApiException} naming the field. */
  static ApiKeyRequest parse(Buffer body) {
    JsonObject json;
    try {
      Object value = body.length() == 0 ? null : Json.decodeValue(body);
      if (!(value instanceof JsonObject o)) throw ApiException.badRequest("the body must be a JSON object with 'name' and 'scopes'");
      json = o;
    } catch (DecodeException e) {
      throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("name") && !field.equals("scopes")) throw ApiException.badField(field, "is not a member of an API key request");
    }
    Object name = json.getValue("name");
    if (name == null) throw ApiException.badField("name", "is required");
    if (!(name instanceof String n) || n.isBlank()) throw ApiException.badField("name", "must be a non-empty string");
    if (n.length() > MAX_NAME_LENGTH) throw ApiException.badField("name", "must be at most " + MAX_NAME_LENGTH + " characters");
    if (n.codePoints().anyMatch(Character::isISOControl)) throw ApiException.badField("name", "must not contain control characters such as NUL");
    if (n.codePoints().anyMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF)) throw ApiException.badField("name", "must not contain a lone UTF-16 surrogate");
    Object scopes = json.getValue("scopes");
    if (scopes == null) throw ApiException.badField("scopes", "is required");
    if (!(scopes instanceof JsonArray array)) throw ApiException.badField("scopes", "must be an array of 'ingest', 'read', 'admin'");
    if (array.isEmpty()) throw ApiException.badField("scopes", "must name at least one scope");
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    for (Object s : array) {
      Scope scope = s instanceof String label ? Scope.of(label) : null;
      if (scope == null) {
        throw ApiException.badField("scopes", "has an unknown scope " + (s instanceof String ? "'" + s + "'" : String.valueOf(s))
            + "; the scopes are 'ingest', 'read', 'admin'");
      }
      out.add(scope);
    }
    return new ApiKeyRequest(n.strip(), out);
  }
}
