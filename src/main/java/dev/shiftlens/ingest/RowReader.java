package dev.shiftlens.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Turns one record's bytes into a {@link RawRow}. One instance per request. */
abstract class RowReader {
  static final JsonFactory JSON = JsonFactory.builder().build();

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

  /** Compact JSON text of the structure the parser is at (an object or array). */
  static String copyStructure(JsonParser p) throws IOException {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.copyCurrentStructure(p);
    }
    return out.toString();
  }

  private static final class JsonRowReader extends RowReader {
    @Override
    void read(byte[] bytes, int offset, int length, RawRow row) throws RowException {
      row.reset(false);
      try (JsonParser p = JSON.createParser(bytes, offset, length)) {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new RowException(null, "row must be a JSON object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          Object value = switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case START_OBJECT -> new RawRow.Json(copyStructure(p), true);
            case START_ARRAY -> new RawRow.Json(copyStructure(p), false);
            default -> throw new RowException(name, "unexpected JSON token " + t);
          };
          row.put(name, value);
        }
        if (p.nextToken() != null) throw new RowException(null, "unexpected data after the JSON object");
      } catch (JsonProcessingException e) {
        throw new RowException(null, "not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** RFC 4180 fields under a header row; empty cells are absent fields. */
  private static final class CsvRowReader extends RowReader {
    private String[] header;
    private final List<String> fields = new ArrayList<>();

    @Override
    boolean consumeHeader(byte[] bytes, int offset, int length) throws MalformedBodyException {
      if (header != null) return false;
      if (length >= 3 && bytes[offset] == (byte) 0xEF && bytes[offset + 1] == (byte) 0xBB && bytes[offset + 2] == (byte) 0xBF) {
        offset += 3; // a UTF-8 byte order mark, as spreadsheets write: not part of the first name, which may be quoted
        length -= 3;
      }
      try {
        split(bytes, offset, length);
      } catch (RowException e) {
        throw new MalformedBodyException("CSV header: " + e.getMessage());
      }
      header = fields.stream().map(String::strip).toArray(String[]::new);
      for (int i = 0; i < header.length; i++) {
        if (header[i].isEmpty()) throw new MalformedBodyException("CSV header: column " + (i + 1) + " has no name");
      }
      return true;
    }

    boolean hasHeader() {
      return header != null;
    }

    @Override
    void read(byte[] bytes, int offset, int length, RawRow row) throws RowException {
      row.reset(true);
      split(bytes, offset, length);
      if (fields.size() != header.length) {
        throw new RowException(null, "row has " + fields.size() + " fields but the header has " + header.length);
      }
      for (int i = 0; i < header.length; i++) {
        String v = fields.get(i);
        if (!v.isEmpty()) row.put(header[i], v);
      }
    }

    private void split(byte[] bytes, int offset, int length) throws RowException {
      fields.clear();
      String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
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
