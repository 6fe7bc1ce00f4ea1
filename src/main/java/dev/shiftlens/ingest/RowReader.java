package dev.shiftlens.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one record's bytes into a {@link RawRow}. One instance per request, on its event loop. Reading is
 * linear in the record's size whatever its shape: a row of 85,000 keys costs what 85,000 short rows do.
 *
 * <p>What no store could keep faithfully rejects the row here, naming the field: a key given twice, a
 * lone UTF-16 surrogate (JSON can escape one; it is not a character and would be written as {@code ?}),
 * a number beyond the range of a double, a structure nested more than {@link #MAX_DEPTH} deep, and
 * bytes that are not UTF-8.
 */
abstract class RowReader {
  static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  /** Levels of objects and arrays inside a field value (metadata, labels). */
  static final int MAX_DEPTH = 64;
  private static final String DUPLICATE = "Duplicate field '";

  abstract void read(byte[] bytes, int offset, int length, RawRow row) throws RowException;

  /** True when the reader still needs its header row (CSV) and the record was that header. */
  boolean consumeHeader(byte[] bytes, int offset, int length) throws MalformedBodyException {
    return false;
  }

  static RowReader json() {
    return new JsonRowReader();
  }

  static RowReader csv() {
    return new CsvRowReader();
  }

  /**
   * Compact JSON text of the structure the parser is at (an object or array), the value of {@code field}:
   * the same text Jackson's structure copy writes, checked on the way.
   */
  static String copyStructure(JsonParser p, String field) throws RowException {
    StringWriter out = new StringWriter(64);
    Checked checked = new Checked(p);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.copyCurrentStructure(checked);
    } catch (Refused e) {
      throw new RowException(field, e.getMessage());
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message.startsWith(DUPLICATE)) throw new RowException(field, "has the key " + quoted(message) + " more than once");
      throw new RowException(field, "is not valid JSON: " + message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The name in Jackson's "Duplicate field 'x'", quoted. */
  private static String quoted(String duplicateMessage) {
    int from = DUPLICATE.length() - 1, to = duplicateMessage.lastIndexOf('\'');
    return to > from ? duplicateMessage.substring(from, to + 1) : "'?'";
  }

  /** The index of the first unpaired surrogate in {@code text[offset, offset + length)}, or -1. */
  static int loneSurrogate(char[] text, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      char c = text[i];
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
        i++;
      } else {
        return i - offset;
      }
    }
    return -1;
  }

  static int loneSurrogate(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) i++;
      else return i;
    }
    return -1;
  }

  static String surrogateError(char c) {
    return String.format("contains a lone UTF-16 surrogate \\u%04X, which is not a character", (int) c);
  }

  /** True for a whole number too large for a double (a float too large is already infinite). */
  static boolean outOfRange(JsonParser p) throws IOException {
    return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER && p.getBigIntegerValue().bitLength() > 1023;
  }

  /** A value inside a structure that the row cannot keep. */
  private static final class Refused extends IOException {
    Refused(String message) {
      super(message, null);
    }
  }

  /** The parser as the structure copy reads it, refusing as it goes what {@link RowReader} refuses. */
  private static final class Checked extends JsonParserDelegate {
    private int depth;

    Checked(JsonParser p) {
      super(p);
      depth = 1; // the copy starts on the structure's first token
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = delegate.nextToken();
      if (t == null) return null;
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          if (++depth > MAX_DEPTH) throw new Refused("is nested more than " + MAX_DEPTH + " levels deep (nesting depth)");
        }
        case END_OBJECT, END_ARRAY -> depth--;
        case FIELD_NAME -> {
          String name = delegate.currentName();
          int at = loneSurrogate(name);
          if (at >= 0) throw new Refused("has a key that " + surrogateError(name.charAt(at)));
        }
        case VALUE_STRING -> {
          char[] text = delegate.getTextCharacters();
          int offset = delegate.getTextOffset();
          int at = loneSurrogate(text, offset, delegate.getTextLength());
          if (at >= 0) throw new Refused(surrogateError(text[offset + at]));
        }
        case VALUE_NUMBER_FLOAT -> {
          if (Double.isInfinite(delegate.getDoubleValue())) throw new Refused("has a number out of range: " + Times.abbreviate(delegate.getText()));
        }
        case VALUE_NUMBER_INT -> {
          if (outOfRange(delegate)) throw new Refused("has a number out of range: " + Times.abbreviate(delegate.getText()));
        }
        default -> { }
      }
      return t;
    }
  }

  private static final class JsonRowReader extends RowReader {
    @Override
    void read(byte[] bytes, int offset, int length, RawRow row) throws RowException {
      row.reset(false);
      try (JsonParser p = JSON.createParser(bytes, offset, length)) {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new RowException(null, "row must be a JSON object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int at = loneSurrogate(name);
          if (at >= 0) throw new RowException(null, "a field name " + surrogateError(name.charAt(at)));
          JsonToken t = p.nextToken();
          Object value = switch (t) {
            case VALUE_STRING -> {
              String text = p.getText();
              int bad = loneSurrogate(text);
              if (bad >= 0) throw new RowException(name, surrogateError(text.charAt(bad)));
              yield text;
            }
            case VALUE_NUMBER_INT -> {
              if (outOfRange(p)) throw new RowException(name, "is out of range: " + Times.abbreviate(p.getText()));
              yield p.getNumberValue();
            }
            case VALUE_NUMBER_FLOAT -> {
              if (Double.isInfinite(p.getDoubleValue())) throw new RowException(name, "is out of range: " + Times.abbreviate(p.getText()));
              yield p.getNumberValue();
            }
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_OBJECT -> new RawRow.Json(copyStructure(p, name), true);
            case START_ARRAY -> new RawRow.Json(copyStructure(p, name), false);
            default -> throw new RowException(name, "unexpected JSON token " + t);
          };
          row.put(name, value);
        }
        if (p.nextToken() != null) throw new RowException(null, "unexpected data after the JSON object");
      } catch (JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message.startsWith(DUPLICATE)) { // a key of the row itself: those inside a value are reported by copyStructure
          String quoted = quoted(message);
          throw new RowException(quoted.substring(1, quoted.length() - 1), "is given more than once in the row");
        }
        throw new RowException(null, "not valid JSON: " + message);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** RFC 4180 fields under a header row; empty cells are absent fields. */
  private static final class CsvRowReader extends RowReader {
    private String[] header;
    private final List<String> fields = new ArrayList<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();

    @Override
    boolean consumeHeader(byte[] bytes, int offset, int length) throws MalformedBodyException {
      if (header != null) return false;
      if (length >= 3 && bytes[offset] == (byte) 0xEF && bytes[offset + 1] == (byte) 0xBB && bytes[offset + 2] == (byte) 0xBF) {
        offset += 3; // a UTF-8 byte order mark, as spreadsheets write: not part of the first name, which may be quoted
        length -= 3;
      }
      try {
        split(decode(bytes, offset, length, null));
      } catch (RowException e) {
        throw new MalformedBodyException("CSV header: " + (e.field() == null ? "" : "column " + e.field() + " ") + e.getMessage());
      }
      header = fields.stream().map(String::strip).toArray(String[]::new);
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        if (header[i].isEmpty()) throw new MalformedBodyException("CSV header: column " + (i + 1) + " has no name");
        Integer before = seen.putIfAbsent(header[i], i + 1);
        if (before != null) {
          throw new MalformedBodyException("CSV header: columns " + before + " and " + (i + 1) + " are both named '" + header[i] + "'");
        }
      }
      return true;
    }

    boolean hasHeader() {
      return header != null;
    }

    @Override
    void read(byte[] bytes, int offset, int length, RawRow row) throws RowException {
      row.reset(true);
      split(decode(bytes, offset, length, header));
      if (fields.size() != header.length) {
        throw new RowException(null, "row has " + fields.size() + " fields but the header has " + header.length);
      }
      for (int i = 0; i < header.length; i++) {
        String v = fields.get(i);
        if (!v.isEmpty()) row.put(header[i], v);
      }
    }

    /**
     * The record as text; bytes that are not UTF-8 (a lone surrogate encoded in three bytes among them)
     * reject the row, naming the column they are in, as the JSON reader rejects them.
     */
    private String decode(byte[] bytes, int offset, int length, String[] names) throws RowException {
      ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
      CharBuffer out = CharBuffer.allocate(length);
      utf8.reset();
      CoderResult result = utf8.decode(in, out, true);
      if (!result.isError()) result = utf8.flush(out);
      if (result.isError()) {
        int at = in.position() - offset;
        int column = column(bytes, offset, at);
        String field = names == null ? String.valueOf(column + 1) : column < names.length ? names[column] : null;
        throw new RowException(field, "is not valid UTF-8 (byte " + (at + 1) + " of the row)");
      }
      return out.flip().toString();
    }

    /** The 0-based column that byte {@code at} of the record falls in, quotes taken into account. */
    private static int column(byte[] bytes, int offset, int at) {
      int column = 0;
      boolean quoted = false, fieldStart = true;
      for (int i = offset; i < offset + at; i++) {
        byte b = bytes[i];
        if (quoted) {
          if (b == '"') quoted = false; // a doubled quote reopens at once below
        } else if (b == '"' && fieldStart) {
          quoted = true;
        } else if (b == '"' && i > offset && bytes[i - 1] == '"') {
          quoted = true;
        } else if (b == ',') {
          column++;
          fieldStart = true;
          continue;
        }
        fieldStart = false;
      }
      return column;
    }

    private void split(String line) throws RowException {
      fields.clear();
      StringBuilder cell = new StringBuilder();
      int i = 0, n = line.length();
      while (true) {
        cell.setLength(0);
        if (i < n && line.charAt(i) == '"') {
          i++;
          while (true) {
            if (i >= n) throw new RowException(null, "a quoted field is not closed");
            char c = line.charAt(i++);
            if (c == '"') {
              if (i < n && line.charAt(i) == '"') {
                cell.append('"');
                i++;
              } else {
                break;
              }
            } else {
              cell.append(c);
            }
          }
          if (i < n && line.charAt(i) != ',') throw new RowException(null, "unexpected text after a quoted field at column " + (fields.size() + 1));
        } else {
          int comma = line.indexOf(',', i);
          int stop = comma < 0 ? n : comma;
          cell.append(line, i, stop);
          i = stop;
        }
        fields.add(cell.toString());
        if (i >= n) break;
        i++; // the comma
        if (i == n) {
          fields.add("");
          break;
        }
      }
    }
  }
}
