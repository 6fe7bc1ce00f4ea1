package dev.shiftlens.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a dashboard query of the Altinity ClickHouse plugin for Grafana ({@code vertamedia-clickhouse-datasource})
 * into the SQL that reaches ClickHouse, the way Grafana and the plugin do: Grafana replaces the template
 * variables (through the plugin's formatting of multi-value variables, or the format named in {@code ${var:format}}),
 * then the plugin replaces its macros in its own order ({@code $timeSeries}, {@code $timeFilter}, {@code $table},
 * {@code $from}, {@code $to}, {@code $dateTimeCol}, {@code $interval}, ...) and appends {@code FORMAT JSON}.
 * Anything else that looks like a macro or a variable is an error, so that a dashboard that uses a macro of
 * another plugin (such as {@code $__timeFilter}) or a variable it does not define fails its test. The plugin's
 * query-rewriting functions ({@code $columns}, {@code $rate}, ...) are refused too: the dashboards write that SQL out.
 */
final class AltinityQueries {
  /** A template variable as the dashboard sets it: its selected values ("All" means every option). */
  record Variable(String name, boolean multi, boolean includeAll, List<String> values) {
    static Variable single(String name, String value) {
      return new Variable(name, false, false, List.of(value));
    }
  }

  /** The dashboard's time range. */
  record Range(Instant from, Instant to) {}

  /** Grafana's own variable syntax: $name, [[name:format]], ${name.field:format}. */
  private static final Pattern VARIABLE =
      Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?]]|\\$\\{(\\w+)(?:\\.([^:^}]+))?(?::([^}]+))?}");
  private static final Pattern REWRITING_FUNCTION = Pattern.compile("\\$(columns|columnsMs|rate|rateColumns|rateColumnsAggregated"
      + "|perSecond|perSecondColumns|perSecondColumnsAggregated|increase|increaseColumns|increaseColumnsAggregated"
      + "|delta|deltaColumns|deltaColumnsAggregated|lttb|lttbMs)\\(");
  private static final Pattern LEFT_OVER = Pattern.compile("\\$\\{?[A-Za-z_][\\w.]*|\\[\\[\\w+");
  private static final Pattern NUMBER = Pattern.compile("^[+-]?\\d+(\\.\\d+)?$");
  private static final Pattern IDENTIFIER = Pattern.compile("^[a-zA-Z][0-9a-zA-Z_]+$");

  private AltinityQueries() {}

  /** The SQL of a panel's target (its {@code query}, {@code dateTimeColDataType}, {@code interval}, ...). */
  static String panel(JsonNode target, Range range, Map<String, Variable> variables) {
    String query = target.path("query").asText("").strip();
    query = conditionalTest(query, variables);
    query = templateVariables(query, variables, range);
    Matcher rewriting = REWRITING_FUNCTION.matcher(query);
    if (rewriting.find()) {
      throw new IllegalArgumentException("the query uses " + rewriting.group() + "...), which this check does not expand; write its SQL out");
    }
    query = unescape(query);

    String type = target.path("dateTimeType").asText("DATETIME");
    if (type.isEmpty()) type = "DATETIME";
    String dateTimeCol = target.path("dateTimeColDataType").asText("");
    String dateCol = target.path("dateColDataType").asText("");
    String timeFilter = dateTimeFilter(type);
    String timeFilterMs = dateTimeFilterMs(type);
    if (!dateCol.isEmpty()) {
      timeFilter = "$dateCol >= toDate($from) AND $dateCol <= toDate($to) AND " + timeFilter;
      timeFilterMs = "$dateCol >= toDate($from) AND $dateCol <= toDate($to) AND " + timeFilterMs;
    }
    if (dateTimeCol.isEmpty() && Pattern.compile("\\$(timeSeries|timeSeriesMs|naturalTimeSeries|timeFilter|timeFilterMs|dateTimeCol)\\b").matcher(query).find()) {
      throw new IllegalArgumentException("the query uses a time macro but the target names no dateTimeColDataType");
    }
    String interval = target.path("interval").asText("");
    if (interval.isEmpty() && Pattern.compile("\\$(timeSeries|timeSeriesMs|interval|__interval_ms)\\b").matcher(query).find()) {
      throw new IllegalArgumentException("the query buckets time but the target sets no interval, so the buckets would depend on the panel's width");
    }
    int factor = target.path("intervalFactor").asInt(1) <= 0 ? 1 : target.path("intervalFactor").asInt(1);
    long intervalMs = interval.isEmpty() ? 1000 : intervalMillis(interval) * factor;
    long intervalSec = Math.max(1, intervalMs / 1000);
    String roundText = target.path("round").asText("");
    long round = roundText.equals("$step") ? intervalSec : roundText.isEmpty() ? 0 : intervalMillis(roundText) / 1000;
    long from = rounded(range.from(), round);
    long to = rounded(range.to(), round);
    String table = escapeTable(target.path("table").asText(""));
    if (!target.path("database").asText("").isEmpty()) table = escapeTable(target.path("database").asText()) + "." + table;

    query = replace(query, "\\$timeSeries\\b", timeSeries(type));
    query = replace(query, "\\$timeSeriesMs\\b", timeSeriesMs(type));
    query = replace(query, "\\$naturalTimeSeries\\b", naturalTimeSeries(type, from, to));
    query = replace(query, "\\$timeFilter\\b", timeFilter);
    query = replace(query, "\\$timeFilterMs\\b", timeFilterMs);
    query = replace(query, "\\$table\\b", table);
    query = replace(query, "\\$from\\b", String.valueOf(from));
    query = replace(query, "\\$to\\b", String.valueOf(to));
    query = replace(query, "\\$dateCol\\b", escapeIdentifier(dateCol));
    query = replace(query, "\\$dateTimeCol\\b", escapeIdentifier(dateTimeCol));
    query = replace(query, "\\$interval\\b", String.valueOf(intervalSec));
    query = replace(query, "\\$__interval_ms\\b", String.valueOf(intervalMs));
    query = replace(query, "\\$adhoc\\b", "1");
    query = timeFilters(query, range, type, round);
    return finish(query);
  }

  /** The SQL of a query variable, as the plugin's metricFindQuery sends it. */
  static String variable(String query, Range range, Map<String, Variable> variables) {
    String q = templateVariables(conditionalTest(query, variables), variables, range);
    q = replace(q, "\\$to", String.valueOf(range.to().getEpochSecond()));
    q = replace(q, "\\$from", String.valueOf(range.from().getEpochSecond()));
    q = timeFilters(q, range, "DATETIME", 0);
    return finish(q);
  }

  /**
   * The plugin sends the query with FORMAT JSON appended; variable queries have their line breaks turned into spaces
   * first. Both are done here to every query, so that a {@code --} comment (which would swallow the rest) fails too.
   */
  private static String finish(String query) {
    Matcher left = LEFT_OVER.matcher(query);
    if (left.find()) {
      throw new IllegalArgumentException("unknown macro or variable " + left.group() + " in: " + query);
    }
    return query.replaceAll("\\r\\n|\\r|\\n", " ") + " FORMAT JSON";
  }

  private static String templateVariables(String query, Map<String, Variable> variables, Range range) {
    Matcher m = VARIABLE.matcher(query);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4);
      String format = m.group(3) != null ? m.group(3) : m.group(6);
      String value;
      if (variables.containsKey(name)) {
        value = format(variables.get(name), format);
      } else if (name.equals("__from")) { // Grafana's own time variables: epoch milliseconds
        value = String.valueOf(range.from().toEpochMilli());
      } else if (name.equals("__to")) {
        value = String.valueOf(range.to().toEpochMilli());
      } else {
        value = m.group(); // left for the plugin's macros
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String format(Variable v, String format) {
    if (format == null) { // the plugin's own formatting (interpolateQueryExpr)
      if (!v.multi() && !v.includeAll() && v.values().size() == 1) return v.values().get(0);
      boolean allNumbers = v.values().stream().allMatch(x -> NUMBER.matcher(x).matches());
      return v.values().stream().map(x -> allNumbers ? x : "'" + x.replaceAll("[\\\\']", "\\\\$0") + "'").collect(Collectors.joining(","));
    }
    return switch (format) {
      case "singlequote" -> v.values().stream().map(x -> "'" + x.replace("'", "\\'") + "'").collect(Collectors.joining(","));
      case "sqlstring" -> v.values().stream().map(x -> "'" + x.replace("'", "''") + "'").collect(Collectors.joining(","));
      case "raw" -> String.join(",", v.values());
      default -> throw new IllegalArgumentException("variable format '" + format + "' of $" + v.name() + " is not one this check knows");
    };
  }

  /** {@code $conditionalTest(expression, $variable)}: the expression, or nothing when the variable is All or empty. */
  private static String conditionalTest(String query, Map<String, Variable> variables) {
    String macro = "$conditionalTest(";
    int open = query.indexOf(macro);
    while (open >= 0) {
      String arg = betweenBraces(query.substring(open + macro.length()));
      String expression = arg.substring(0, arg.lastIndexOf(',')).strip();
      String name = arg.substring(arg.lastIndexOf(',') + 1).strip().substring(1);
      Variable v = variables.get(name);
      if (v == null) throw new IllegalArgumentException("$conditionalTest names an unknown variable " + name);
      int close = open + macro.length() + arg.length() + 1;
      boolean all = v.values().isEmpty() || v.values().equals(List.of("$__all"));
      query = query.substring(0, open) + " " + (all ? "" : expression + " ") + query.substring(close);
      open = query.indexOf(macro);
    }
    return query;
  }

  private static String unescape(String query) {
    String macro = "$unescape(";
    int open = query.indexOf(macro);
    while (open >= 0) {
      String arg = betweenBraces(query.substring(open + macro.length()));
      query = query.substring(0, open) + arg.replaceAll("'+", "") + query.substring(open + macro.length() + arg.length() + 1);
      open = query.indexOf(macro);
    }
    return query;
  }

  private static String betweenBraces(String text) {
    int depth = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '(') depth++;
      if (text.charAt(i) == ')' && --depth == 0) return text.substring(0, i);
    }
    throw new IllegalArgumentException("missing parenthesis in " + text);
  }

  private static String dateTimeFilter(String type) {
    return "$dateTimeCol >= " + convert(type, "$from") + " AND $dateTimeCol <= " + convert(type, "$to");
  }

  private static String dateTimeFilterMs(String type) {
    return switch (type) {
      case "DATETIME" -> "$dateTimeCol >= toDateTime($__from/1000) AND $dateTimeCol <= toDateTime($__to/1000)";
      case "DATETIME64" -> "$dateTimeCol >= toDateTime64($__from/1000, 3) AND $dateTimeCol <= toDateTime64($__to/1000, 3)";
      default -> "$dateTimeCol >= ($__from/1000) AND $dateTimeCol <= ($__to/1000)";
    };
  }

  private static String convert(String type, String t) {
    return switch (type) {
      case "DATETIME" -> "toDateTime(" + t + ")";
      case "DATETIME64" -> "toDateTime64(" + t + ", 3)";
      default -> t;
    };
  }

  private static String timeSeries(String type) {
    return switch (type) {
      case "DATETIME" -> "(intDiv(toUInt32($dateTimeCol), $interval) * $interval) * 1000";
      case "DATETIME64" -> "(intDiv(toFloat64($dateTimeCol) * 1000, ($interval * 1000)) * ($interval * 1000))";
      default -> "(intDiv($dateTimeCol, $interval) * $interval) * 1000";
    };
  }

  private static String timeSeriesMs(String type) {
    return switch (type) {
      case "DATETIME" -> "(intDiv(toUInt32($dateTimeCol) * 1000, $__interval_ms) * $__interval_ms)";
      case "DATETIME64" -> "(intDiv(toFloat64($dateTimeCol) * 1000, $__interval_ms) * $__interval_ms)";
      default -> "(intDiv($dateTimeCol, $__interval_ms) * $__interval_ms)";
    };
  }

  private static String naturalTimeSeries(String type, long from, long to) {
    if (!type.equals("DATETIME") && !type.equals("DATETIME64")) return "(intDiv($dateTimeCol, $interval) * $interval) * 1000";
    long d = to - from;
    if (d < 60 * 20) return "toUInt32($dateTimeCol) * 1000";
    if (d < 60 * 60 * 4) return "toUInt32(toStartOfMinute($dateTimeCol)) * 1000";
    if (d < 60 * 60 * 24) return "toUInt32(toStartOfFiveMinute($dateTimeCol)) * 1000";
    if (d < 60 * 60 * 72) return "toUInt32(toStartOfFifteenMinutes($dateTimeCol)) * 1000";
    if (d < 60 * 60 * 24 * 15) return "toUInt32(toStartOfHour($dateTimeCol)) * 1000";
    if (d < 60 * 60 * 24 * 7 * 15) return "toUInt32(toStartOfDay($dateTimeCol)) * 1000";
    if (d < 60L * 60 * 24 * 30 * 10) return "toUInt32(toDateTime(toMonday($dateTimeCol))) * 1000";
    if (d < 60L * 60 * 24 * 365 * 6) return "toUInt32(toDateTime(toStartOfMonth($dateTimeCol))) * 1000";
    return "toUInt32(toDateTime(toStartOfQuarter($dateTimeCol))) * 1000";
  }

  /** The second pass: column time filters, then $from/$to (widened by twice the rounding) and $__from/$__to. */
  private static String timeFilters(String query, Range range, String type, long round) {
    long from = rounded(range.from(), round);
    long to = rounded(range.to(), round);
    if (round > 0) {
      to += round * 2 - 1;
      from -= round * 2 - 1;
    }
    Matcher m = Pattern.compile("\\$timeFilterByColumn\\(([\\w_]+)\\)").matcher(query);
    query = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " >= " + convert(type, "$from") + " AND " + r.group(1) + " <= " + convert(type, "$to")));
    m = Pattern.compile("\\$timeFilter64ByColumn\\(([\\w_]+)\\)").matcher(query);
    query = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " >= toDateTime64($__from/1000, 3) AND " + r.group(1) + " <= toDateTime64($__to/1000, 3)"));
    query = replace(query, "\\$from\\b", String.valueOf(from));
    query = replace(query, "\\$to\\b", String.valueOf(to));
    query = replace(query, "\\$__from\\b", String.valueOf(range.from().toEpochMilli()));
    query = replace(query, "\\$__to\\b", String.valueOf(range.to().toEpochMilli()));
    return query;
  }

  private static long rounded(Instant t, long roundSeconds) {
    long ms = t.toEpochMilli();
    if (roundSeconds > 0) ms = Math.floorDiv(ms, roundSeconds * 1000) * roundSeconds * 1000;
    return Math.floorDiv(ms, 1000);
  }

  /** Grafana's durations: 30s, 5m, 1h, 1d, 1w, 1M (30 days), 1y (365 days), 100ms. */
  static long intervalMillis(String text) {
    Matcher m = Pattern.compile("^(\\d+)(ms|s|m|h|d|w|M|y)$").matcher(text.strip());
    if (!m.matches()) throw new IllegalArgumentException("interval '" + text + "' is not a duration such as 1h or 1d");
    long n = Long.parseLong(m.group(1));
    return n * switch (m.group(2)) {
      case "ms" -> 1L;
      case "s" -> 1000L;
      case "m" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      case "w" -> 604_800_000L;
      case "M" -> 2_592_000_000L;
      default -> 31_536_000_000L;
    };
  }

  private static String escapeTable(String identifier) {
    return IDENTIFIER.matcher(identifier).matches() ? identifier : "`" + identifier.replace("`", "\\`") + "`";
  }

  private static String escapeIdentifier(String identifier) {
    return IDENTIFIER.matcher(identifier).matches() || identifier.matches("(?s).*\\(.*\\).*") || identifier.matches("(?s).*[/*+\\-].*")
        ? identifier : "\"" + identifier.replace("\"", "\\\"") + "\"";
  }

  private static String replace(String query, String regex, String value) {
    return query.replaceAll(regex, Matcher.quoteReplacement(value));
  }
}
