package dev.shiftlens.audience;

import dev.shiftlens.platform.SqlFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns property filters into the one PostgreSQL query that lists the contacts passing them: the
 * fixed fragments of {@code sql/postgres/queries/audience_property_*.sql} joined by AND, with every
 * key and value bound as a parameter. Fragments name their parameters {@code :key} and
 * {@code :value}, numbered here; {@code :op} is one of the fixed comparisons of {@link PropertyFilter.Op}.
 * Pure; runs on any thread.
 */
final class PropertySql {
  private static final String CONTACTS = SqlFiles.postgres("audience_contacts");
  private static final String EXISTS = SqlFiles.postgres("audience_property_exists");
  private static final String EQ = SqlFiles.postgres("audience_property_eq");
  private static final String NUMBER = SqlFiles.postgres("audience_property_number");
  private static final String TIME = SqlFiles.postgres("audience_property_time");
  private static final String IN = SqlFiles.postgres("audience_property_in");
  private static final String IN_NUMBERS = SqlFiles.postgres("audience_property_in_numbers");
  private static final String CONTAINS = SqlFiles.postgres("audience_property_contains");
  private static final String NOT = SqlFiles.postgres("audience_property_not");

  /** The query and its parameters, $1 first. */
  record Query(String sql, List<Object> params) {}

  private PropertySql() {}

  static Query of(List<PropertyFilter> filters) {
    List<Object> params = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (PropertyFilter f : filters) parts.add("(" + fragment(f, params) + ")");
    String where = parts.isEmpty() ? "TRUE" : String.join(" AND ", parts);
    return new Query(CONTACTS.replace(":filters", where), List.copyOf(params));
  }

  private static String fragment(PropertyFilter f, List<Object> params) {
    int key = bind(params, f.key());
    return switch (f.op()) {
      case EXISTS -> {
        String exists = fill(EXISTS, key, 0, null);
        yield ((PropertyFilter.Presence) f.value()).present() ? exists : not(exists);
      }
      case EQ -> equals(f.value(), key, params);
      case NEQ -> not(equals(f.value(), key, params));
      case IN -> {
        PropertyFilter.Members members = (PropertyFilter.Members) f.value();
        List<String> any = new ArrayList<>();
        if (!members.json().isEmpty()) any.add(fill(IN, key, bind(params, "[" + String.join(",", members.json()) + "]"), null));
        if (!members.decimals().isEmpty()) any.add(fill(IN_NUMBERS, key, bind(params, members.decimals().toArray(String[]::new)), null));
        yield any.size() == 1 ? any.get(0) : "(" + any.get(0) + ") OR (" + any.get(1) + ")";
      }
      case GT, GTE, LT, LTE -> f.value() instanceof PropertyFilter.Number n
          ? fill(NUMBER, key, bind(params, n.decimal()), f.op().comparison())
          : fill(TIME, key, bind(params, ((PropertyFilter.Time) f.value()).iso()), f.op().comparison());
      case CONTAINS -> fill(CONTAINS, key, bind(params, ((PropertyFilter.Text) f.value()).text()), null);
    };
  }

  private static String equals(PropertyFilter.Value value, int key, List<Object> params) {
    return value instanceof PropertyFilter.Number n
        ? fill(NUMBER, key, bind(params, n.decimal()), "=")
        : fill(EQ, key, bind(params, ((PropertyFilter.Json) value).json()), null);
  }

  /** The complement: a contact for which the filter is false or unknown (say, the property is missing). */
  private static String not(String fragment) {
    return NOT.replace(":filter", fragment);
  }

  private static int bind(List<Object> params, Object value) {
    params.add(value);
    return params.size();
  }

  private static String fill(String fragment, int key, int value, String op) {
    String sql = fragment.replace(":key", "$" + key);
    if (value > 0) sql = sql.replace(":value", "$" + value);
    if (op != null) sql = sql.replace(":op", op);
    return sql;
  }
}
