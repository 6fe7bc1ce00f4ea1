package dev.shiftlens.audience;

import dev.shiftlens.platform.SqlFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns property filters into the one PostgreSQL query that lists the contacts passing them: the
 * fixed fragments of {@code sql/postgres/queries/audience_property_*.sql} joined by AND, with every
 * key and value bound as a parameter. Fragments compare {@code :target}, the JSON value of a
 * property ({@code audience_property}) or of a column ({@code audience_column}, one of a fixed few),
 * with {@code :value}, a parameter numbered here; {@code :op} is one of the fixed comparisons of
 * {@link PropertyFilter.Op}. An equality with a string or boolean property is a containment, which
 * the GIN index of the properties answers. Pure; runs on any thread.
 */
final class PropertySql {
  private static final String CONTACTS = SqlFiles.postgres("audience_contacts");
  private static final String PROPERTY = SqlFiles.postgres("audience_property");
  private static final String COLUMN = SqlFiles.postgres("audience_column");
  /** The columns that filter like properties, by their key (which is also their name). */
  private static final java.util.Set<String> COLUMNS = java.util.Set.of("country", "push_token", "phone_number", "email_address", "timezone");
  private static final String EQUALS = SqlFiles.postgres("audience_property_equals");
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
    boolean column = COLUMNS.contains(f.key());
    int key = column ? 0 : bind(params, f.key());
    String target = column ? COLUMN.replace(":column", f.key()) : PROPERTY.replace(":key", "$" + key);
    return switch (f.op()) {
      case EXISTS -> {
        String exists = fill(EXISTS, target, 0, null);
        yield ((PropertyFilter.Presence) f.value()).present() ? exists : not(exists);
      }
      case EQ -> equals(f, target, key, params);
      case NEQ -> not(equals(f, target, key, params));
      case IN -> {
        PropertyFilter.Members members = (PropertyFilter.Members) f.value();
        List<String> any = new ArrayList<>();
        if (!members.json().isEmpty()) any.add(fill(IN, target, bind(params, "[" + String.join(",", members.json()) + "]"), null));
        if (!members.decimals().isEmpty()) any.add(fill(IN_NUMBERS, target, bind(params, members.decimals().toArray(String[]::new)), null));
        yield any.size() == 1 ? any.get(0) : "(" + any.get(0) + ") OR (" + any.get(1) + ")";
      }
      case GT, GTE, LT, LTE -> f.value() instanceof PropertyFilter.Number n
          ? fill(NUMBER, target, bind(params, n.decimal()), f.op().comparison())
          : fill(TIME, target, bind(params, ((PropertyFilter.Time) f.value()).iso()), f.op().comparison());
      case CONTAINS -> fill(CONTAINS, target, bind(params, ((PropertyFilter.Text) f.value()).text()), null);
    };
  }

  /** {@code key}: the parameter of the property's key, 0 for a column. */
  private static String equals(PropertyFilter f, String target, int key, List<Object> params) {
    if (f.value() instanceof PropertyFilter.Number n) return fill(NUMBER, target, bind(params, n.decimal()), "=");
    String json = ((PropertyFilter.Json) f.value()).json();
    if (key == 0) return fill(EQUALS, target, bind(params, json), null);
    return EQ.replace(":key", "$" + key).replace(":value", "$" + bind(params, json));
  }

  /** The complement: a contact for which the filter is false or unknown (say, the property is missing). */
  private static String not(String fragment) {
    return NOT.replace(":filter", fragment);
  }

  private static int bind(List<Object> params, Object value) {
    params.add(value);
    return params.size();
  }

  private static String fill(String fragment, String target, int value, String op) {
    String sql = fragment;
    if (value > 0) sql = sql.replace(":value", "$" + value);
    if (op != null) sql = sql.replace(":op", op);
    return sql.replace(":target", target);
  }
}
