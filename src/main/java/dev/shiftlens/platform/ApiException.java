package dev.shiftlens.platform;

import io.vertx.core.json.JsonObject;

/**
 * A failure that becomes an {@code application/problem+json} response. Handlers fail their
 * routing context with one of these; {@link Problems} writes it.
 */
public class ApiException extends RuntimeException {
  private static final String GENERIC = "the store is unavailable; retry shortly";
  private final int status;
  private final String title;
  private final JsonObject extra;

  public ApiException(int status, String title, String detail) {
    this(status, title, detail, null);
  }

  public ApiException(int status, String title, String detail, JsonObject extra) {
    super(detail);
    this.status = status;
    this.title = title;
    this.extra = extra;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public JsonObject extra() {
    return extra;
  }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad Request", detail);
  }

  /** A 400 about one field or query parameter, named in the detail and in a {@code field} member. */
  public static ApiException badField(String field, String detail) {
    return new ApiException(400, "Bad Request", "'" + field + "' " + detail, new JsonObject().put("field", field));
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "Not Found", detail);
  }

  /** The stores could not take the data now; the client should retry after {@code retryAfterSeconds}. */
  public static ApiException unavailable(String detail, int retryAfterSeconds) {
    return new ApiException(503, "Service Unavailable", detail, new JsonObject().put("retry_after", retryAfterSeconds));
  }

  /**
   * A store failed while a request was read or written: a 503 to retry in 5 s. The store's own text
   * never reaches the client (it can quote the client's data and the schema); the cause rides along
   * for {@link Problems} to log with the request id. A cause that is already an API error is answered
   * as it is.
   */
  public static ApiException storeUnavailable(Throwable cause) {
    return storeUnavailable(GENERIC, cause);
  }

  /**
   * As {@link #storeUnavailable(Throwable)}, with a detail that says what could not be done. When the cause
   * shows which store failed, the detail names it and a {@code store} member ({@code postgres} or
   * {@code clickhouse}) says so.
   */
  public static ApiException storeUnavailable(String detail, Throwable cause) {
    if (cause instanceof ApiException api) return api;
    String store = StoreErrors.storeOf(cause);
    ApiException problem;
    if (store == null) {
      problem = unavailable(detail, 5);
    } else {
      String name = store.equals("postgres") ? "PostgreSQL" : "ClickHouse";
      String said = detail.equals(GENERIC) ? name + " is unavailable; retry shortly" : detail + " (" + name + " is unavailable)";
      problem = new ApiException(503, "Service Unavailable", said, new JsonObject().put("retry_after", 5).put("store", store));
    }
    problem.initCause(cause);
    return problem;
  }
}
