package dev.shiftlens.audience;

import java.util.List;

/**
 * One property filter, checked: {@code key} is a property name or one of the contact's columns that
 * filter like properties ({@code country}, the reach fields, {@code timezone}); {@code value} is
 * what the operator needs (see {@link AudienceRequest}).
 */
record PropertyFilter(String key, Op op, Value value) {

  enum Op {
    EQ("eq"), NEQ("neq"), IN("in"), EXISTS("exists"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), CONTAINS("contains");

    final String name;

    Op(String name) {
      this.name = name;
    }

    static Op of(String name) {
      for (Op op : values()) if (op.name.equals(name)) return op;
      return null;
    }

    /** The SQL comparison of the ordering operators; a fixed string, never a user's. */
    String comparison() {
      return switch (this) {
        case GT -> ">";
        case GTE -> ">=";
        case LT -> "<";
        case LTE -> "<=";
        default -> "=";
      };
    }
  }

  /** What a filter compares with. */
  sealed interface Value {}

  /** A string or boolean, compared as JSON ({@code json} is its JSON text). */
  record Json(String json) implements Value {}

  /** A number, compared by value with numbers and numeric strings ({@code decimal} in plain text). */
  record Number(String decimal) implements Value {}

  /** A time, compared with time strings ({@code iso} in UTC). */
  record Time(String iso) implements Value {}

  /** A string searched for, case-insensitively. */
  record Text(String text) implements Value {}

  /** The members of {@code in}: JSON texts of strings and booleans apart from numbers. */
  record Members(List<String> json, List<String> decimals) implements Value {}

  /** {@code exists}: whether the property must be there (true) or missing (false). */
  record Presence(boolean present) implements Value {}
}
