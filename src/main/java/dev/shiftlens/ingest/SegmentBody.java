package dev.shiftlens.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Segment body as bytes, cut into its parts without decoding them: the top-level members, and the
 * messages of {@code batch} as byte ranges. Cutting only follows brackets and strings, so a message
 * that is not valid JSON (or not UTF-8) spoils only itself; each message is then read on its own by
 * {@link #object}, which refuses what {@link RowReader} refuses in a row. One instance per request,
 * on its event loop.
 */
final class SegmentBody {
  /** Bytes {@code [start, end)} of the body. */
  record Range(int start, int end) {
    int length() {
      return end - start;
    }
  }

  private final byte[] bytes;
  private final int end;
  private final Map<String, Range> members = new HashMap<>();
  private List<Range> batch;

  private SegmentBody(byte[] bytes, int length) {
    this.bytes = bytes;
    this.end = length;
  }

  /**
   * Cuts {@code bytes[0, length)}, a JSON object; a body that is not one (or names a member twice) is
   * refused whole. The elements of a top-level {@code batch} array are kept as ranges.
   */
  static SegmentBody cut(byte[] bytes, int length) throws MalformedBodyException {
    SegmentBody body = new SegmentBody(bytes, length);
    body.scan();
    return body;
  }

  byte[] bytes() {
    return bytes;
  }

  /** The {@code batch} messages, or null when the body has no {@code batch} array. */
  List<Range> batch() {
    return batch;
  }

  boolean has(String member) {
    return members.containsKey(member);
  }

  /** The whole body as one message (a single call), read as {@link #object} reads a message. */
  JsonObject whole() throws RowException {
    return object(new Range(0, end), "");
  }

  /** A top-level member's value read strictly, null when absent; a bad value names the member. */
  Object member(String name) throws RowException {
    Range r = members.get(name);
    return r == null ? null : value(r, name);
  }

  /**
   * The JSON object in {@code r}: a key given twice, a lone UTF-16 surrogate, bytes that are not UTF-8,
   * a number beyond a double's range or nesting deeper than {@link RowReader#MAX_DEPTH} are refused with
   * the path of the field they are in ({@code prefix} + {@code properties.name}...).
   */
  JsonObject object(Range r, String prefix) throws RowException {
    if (r.length() == 0 || bytes[r.start()] != '{') throw new RowException(prefix.isEmpty() ? null : strip(prefix), "must be a JSON object");
    Object v = value(r, prefix);
    return (JsonObject) v;
  }

  private Object value(Range r, String path) throws RowException {
    Reader reader = new Reader(path);
    try (JsonParser p = RowReader.JSON.createParser(bytes, r.start(), r.length())) {
      JsonToken t = p.nextToken();
      Object v = reader.read(p, t, 0);
      if (p.nextToken() != null) throw new RowException(path.isEmpty() ? null : strip(path), "has data after its JSON value");
      return v;
    } catch (JsonProcessingException e) {
      throw reader.refusal(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String strip(String path) {
    return path.endsWith(".") ? path.substring(0, path.length() - 1) : path;
  }

  /** Builds the tree of one value, keeping the path of the field being read for the error it may raise. */
  private static final class Reader {
    private static final String DUPLICATE = "Duplicate field '";
    private final StringBuilder path;

    Reader(String prefix) {
      path = new StringBuilder(prefix);
    }

    private String here() {
      return path.isEmpty() ? null : strip(path.toString());
    }

    RowException refusal(JsonProcessingException e) {
      String message = e.getOriginalMessage();
      if (message.startsWith(DUPLICATE)) {
        int to = message.lastIndexOf('\'');
        String key = to > DUPLICATE.length() - 1 ? message.substring(DUPLICATE.length(), to) : "?";
        String at = here();
        return new RowException(at == null ? key : at, at == null ? "is given more than once in the message" : "has the key '" + key + "' more than once");
      }
      if (message.startsWith("Invalid UTF-8")) return new RowException(here(), "is not valid UTF-8");
      return new RowException(here(), "is not valid JSON: " + message);
    }

    Object read(JsonParser p, JsonToken t, int depth) throws IOException, RowException {
      if (t == null) throw new RowException(here(), "is empty");
      switch (t) {
        case START_OBJECT -> {
          if (depth > RowReader.MAX_DEPTH) throw new RowException(here(), "is nested more than " + RowReader.MAX_DEPTH + " levels deep");
          Map<String, Object> map = new java.util.LinkedHashMap<>();
          int mark = path.length();
          JsonToken next;
          while ((next = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            path.setLength(mark);
            int bad = RowReader.loneSurrogate(name);
            if (bad >= 0) throw new RowException(here(), "has a key that " + RowReader.surrogateError(name.charAt(bad)));
            path.append(name).append('.');
            map.put(name, read(p, p.nextToken(), depth + 1));
            path.setLength(mark); // a key that follows is named from its object
          }
          path.setLength(mark);
          if (next != JsonToken.END_OBJECT) throw new RowException(here(), "is not valid JSON");
          return new JsonObject(map);
        }
        case START_ARRAY -> {
          if (depth > RowReader.MAX_DEPTH) throw new RowException(here(), "is nested more than " + RowReader.MAX_DEPTH + " levels deep");
          List<Object> list = new ArrayList<>();
          JsonToken next;
          while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
            if (next == null) throw new RowException(here(), "is not valid JSON");
            list.add(read(p, next, depth + 1));
          }
          return new JsonArray(list);
        }
        case VALUE_STRING -> {
          String text = p.getText();
          int bad = RowReader.loneSurrogate(text);
          if (bad >= 0) throw new RowException(here(), RowReader.surrogateError(text.charAt(bad)));
          return text;
        }
        case VALUE_NUMBER_INT -> {
          if (RowReader.outOfRange(p)) throw new RowException(here(), "is out of range: " + Times.abbreviate(p.getText()));
          return p.getNumberValue();
        }
        case VALUE_NUMBER_FLOAT -> {
          double d = p.getDoubleValue();
          if (Double.isInfinite(d)) throw new RowException(here(), "is out of range: " + Times.abbreviate(p.getText()));
          return d;
        }
        case VALUE_TRUE -> {
          return Boolean.TRUE;
        }
        case VALUE_FALSE -> {
          return Boolean.FALSE;
        }
        case VALUE_NULL -> {
          return null;
        }
        default -> throw new RowException(here(), "is not valid JSON: unexpected " + t);
      }
    }
  }

  // ---- cutting: brackets and strings only ----

  private void scan() throws MalformedBodyException {
    int i = space(0);
    if (i >= end || bytes[i] != '{') throw new MalformedBodyException("the body is not a JSON object");
    i = space(i + 1);
    if (i < end && bytes[i] == '}') {
      finish(i + 1);
      return;
    }
    while (true) {
      if (i >= end || bytes[i] != '"') throw malformed(i, "a member name");
      int keyEnd = skipString(i);
      String key = key(i, keyEnd);
      i = space(keyEnd);
      if (i >= end || bytes[i] != ':') throw malformed(i, "':'");
      i = space(i + 1);
      if (members.containsKey(key) || (key.equals("batch") && batch != null)) {
        throw new MalformedBodyException("the body gives '" + Times.abbreviate(key) + "' more than once");
      }
      if (key.equals("batch") && i < end && bytes[i] == '[') {
        i = elements(i);
      } else {
        int valueEnd = skipValue(i);
        members.put(key, new Range(i, valueEnd));
        i = valueEnd;
      }
      i = space(i);
      if (i < end && bytes[i] == ',') {
        i = space(i + 1);
      } else if (i < end && bytes[i] == '}') {
        finish(i + 1);
        return;
      } else {
        throw malformed(i, "',' or '}'");
      }
    }
  }

  private void finish(int i) throws MalformedBodyException {
    if (space(i) != end) throw new MalformedBodyException("unexpected data after the JSON object at byte " + space(i));
  }

  private int elements(int i) throws MalformedBodyException {
    batch = new ArrayList<>();
    i = space(i + 1);
    if (i < end && bytes[i] == ']') return i + 1;
    while (true) {
      int valueEnd = skipValue(i);
      batch.add(new Range(i, valueEnd));
      i = space(valueEnd);
      if (i < end && bytes[i] == ',') {
        i = space(i + 1);
      } else if (i < end && bytes[i] == ']') {
        return i + 1;
      } else {
        throw malformed(i, "',' or ']' in 'batch'");
      }
    }
  }

  /** The end of the value that starts at {@code i}: a string, an object or array (by depth), or a scalar's text. */
  private int skipValue(int i) throws MalformedBodyException {
    if (i >= end) throw malformed(i, "a value");
    byte c = bytes[i];
    if (c == '"') return skipString(i);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i < end) {
        byte b = bytes[i];
        if (b == '"') {
          i = skipString(i);
          continue;
        }
        if (b == '{' || b == '[') depth++;
        else if ((b == '}' || b == ']') && --depth == 0) return i + 1;
        i++;
      }
      throw new MalformedBodyException("truncated JSON: the body ends before a value is closed");
    }
    int start = i;
    while (i < end && bytes[i] != ',' && bytes[i] != '}' && bytes[i] != ']' && !RecordSplitter.isSpace(bytes[i])) i++;
    if (i == start) throw malformed(i, "a value");
    return i;
  }

  /** The end of the string whose opening quote is at {@code i} (just past its closing quote). */
  private int skipString(int i) throws MalformedBodyException {
    for (i++; i < end; i++) {
      byte b = bytes[i];
      if (b == '\\') i++;
      else if (b == '"') return i + 1;
    }
    throw new MalformedBodyException("truncated JSON: the body ends inside a string");
  }

  private String key(int from, int to) throws MalformedBodyException {
    try (JsonParser p = RowReader.JSON.createParser(bytes, from, to - from)) {
      p.nextToken();
      return p.getText();
    } catch (IOException e) {
      throw new MalformedBodyException("a member name of the body is not valid JSON text");
    }
  }

  private int space(int i) {
    while (i < end && RecordSplitter.isSpace(bytes[i])) i++;
    return i;
  }

  private MalformedBodyException malformed(int i, String expected) {
    return new MalformedBodyException(i >= end ? "truncated JSON: the body ends where " + expected + " was expected"
        : "expected " + expected + " at byte " + i + " of the body");
  }
}
