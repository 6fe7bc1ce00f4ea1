package dev.shiftlens.evaluation;

import io.vertx.core.json.JsonObject;

/**
 * The change of one event's rate (or, for {@code "*"}, of the reward-weighted total) in a send's
 * response window, against the contact's own baseline. Ratios and bounds that do not exist (nothing
 * expected) are NaN here and null in JSON.
 */
public record Effect(
    String eventName,
    double observed,
    double expected,
    double rateRatio,
    double ciLow,
    double ciHigh,
    double pValue,
    double probIncrease,
    String verdict) {

  public static final String TOTAL = "*";

  public JsonObject toJson() {
    return new JsonObject()
        .put("event_name", eventName)
        .put("observed", observed)
        .put("expected", round(expected))
        .put("rate_ratio", number(rateRatio))
        .put("ci_low", number(ciLow))
        .put("ci_high", number(ciHigh))
        .put("p_value", number(pValue))
        .put("prob_increase", number(probIncrease))
        .put("verdict", verdict);
  }

  public static Effect fromJson(JsonObject j) {
    return new Effect(j.getString("event_name"), j.getDouble("observed"), j.getDouble("expected"),
        orNaN(j.getDouble("rate_ratio")), orNaN(j.getDouble("ci_low")), orNaN(j.getDouble("ci_high")),
        orNaN(j.getDouble("p_value")), orNaN(j.getDouble("prob_increase")), j.getString("verdict"));
  }

  /** JSON has no NaN or infinity: an unbounded interval end is null too. */
  private static Double number(double x) {
    return Double.isFinite(x) ? round(x) : null;
  }

  /** Twelve significant digits: enough for any reader, and stable across runs. */
  private static double round(double x) {
    if (x == 0 || !Double.isFinite(x)) return x;
    return new java.math.BigDecimal(x).round(new java.math.MathContext(12)).doubleValue();
  }

  private static double orNaN(Double x) {
    return x == null ? Double.NaN : x;
  }
}
