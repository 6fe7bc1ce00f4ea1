package dev.shiftlens.ingest;

import java.util.Arrays;

/**
 * Cuts a body that arrives in pieces into records (an NDJSON line, a JSON array element, a CSV row)
 * without holding more than one record plus one piece in memory. A record longer than the row limit (every
 * byte before its {@code \n}; in a JSON array, the element itself) is skipped and reported as oversized,
 * so one huge row rejects only itself, however the body is cut into pieces.
 */
abstract class RecordSplitter {
  interface Sink {
    void record(byte[] bytes, int offset, int length) throws MalformedBodyException;

    void oversized();
  }

  private final int maxRecordBytes;
  protected byte[] buf = new byte[64 * 1024];
  protected int start; // first byte of the current record
  protected int end; // end of valid bytes
  protected int scan; // next byte to examine
  protected boolean skipping; // the current record is over the limit and its bytes are being dropped
  protected long consumed; // bytes before buf[0], for error positions

  RecordSplitter(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  static RecordSplitter ndjson(int maxRecordBytes) {
    return new NdjsonSplitter(maxRecordBytes);
  }

  static RecordSplitter jsonArray(int maxRecordBytes) {
    return new JsonArraySplitter(maxRecordBytes);
  }

  static RecordSplitter csv(int maxRecordBytes) {
    return new CsvSplitter(maxRecordBytes);
  }

  final void feed(byte[] piece, int offset, int length, Sink sink) throws MalformedBodyException {
    append(piece, offset, length);
    scanRecords(sink);
    if (!skipping && end - start > maxRecordBytes) {
      skipping = true;
    }
    if (skipping) { // drop what was scanned of the oversized record; the scanner keeps its state
      consumed += scan;
      System.arraycopy(buf, scan, buf, 0, end - scan);
      end -= scan;
      start = 0;
      scan = 0;
    }
  }

  /** End of body: the last record, and a check that the body is complete. */
  abstract void finish(Sink sink) throws MalformedBodyException;

  /** Emits every complete record in buf[scan, end). */
  protected abstract void scanRecords(Sink sink) throws MalformedBodyException;

  /** The record that ends at {@code end} and began at {@code start} (or earlier, when its start was dropped). */
  protected final boolean tooLong(int start, int end) {
    return skipping || end - start > maxRecordBytes;
  }

  protected final void emit(int recordStart, int recordEnd, boolean tooLong, Sink sink) throws MalformedBodyException {
    if (tooLong) {
      skipping = false;
      sink.oversized();
    } else {
      sink.record(buf, recordStart, recordEnd - recordStart);
    }
  }

  protected final long position(int index) {
    return consumed + index;
  }

  private void append(byte[] piece, int offset, int length) {
    if (start > 0 && (end + length > buf.length)) {
      System.arraycopy(buf, start, buf, 0, end - start);
      consumed += start;
      end -= start;
      scan -= start;
      start = 0;
    }
    if (end + length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + length));
    System.arraycopy(piece, offset, buf, end, length);
    end += length;
  }

  static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  /** One JSON object per line; blank lines are not rows. */
  private static final class NdjsonSplitter extends RecordSplitter {
    NdjsonSplitter(int max) {
      super(max);
    }

    @Override
    protected void scanRecords(Sink sink) throws MalformedBodyException {
      byte[] b = buf;
      int stop = end;
      for (int i = scan; i < stop; i++) {
        if (b[i] == '\n') {
          line(start, i, sink);
          start = i + 1;
        }
      }
      scan = stop;
    }

    @Override
    void finish(Sink sink) throws MalformedBodyException {
      if (end > start || skipping) line(start, end, sink);
      start = scan = end;
    }

    private void line(int from, int to, Sink sink) throws MalformedBodyException {
      boolean tooLong = tooLong(from, to);
      int a = from, b = to;
      while (a < b && isSpace(buf[a])) a++;
      while (b > a && isSpace(buf[b - 1])) b--;
      if (a == b && !tooLong) return;
      emit(a, b, tooLong, sink);
    }
  }

  /** A JSON array of objects (or one object alone); elements are cut by depth, outside strings. */
  private static final class JsonArraySplitter extends RecordSplitter {
    private static final int BEFORE_ARRAY = 0, BEFORE_ELEMENT = 1, IN_ELEMENT = 2, AFTER_ELEMENT = 3, DONE = 4;
    private int state = BEFORE_ARRAY;
    private boolean single; // the body is one object, not an array
    private boolean sawElement;
    private int depth;
    private boolean inString, escaped, scalar;

    JsonArraySplitter(int max) {
      super(max);
    }

    @Override
    protected void scanRecords(Sink sink) throws MalformedBodyException {
      int i = scan;
      while (i < end) {
        byte c = buf[i];
        switch (state) {
          case BEFORE_ARRAY -> {
            if (isSpace(c)) {
              i++;
            } else if (c == '[') {
              state = BEFORE_ELEMENT;
              i++;
            } else if (c == '{') {
              single = true;
              startElement(i);
            } else {
              throw new MalformedBodyException("expected a JSON array of objects, found '" + (char) c + "' at byte " + position(i));
            }
            start = state == IN_ELEMENT ? start : i;
          }
          case BEFORE_ELEMENT -> {
            if (isSpace(c)) {
              i++;
              start = i;
            } else if (c == ']' && !sawElement) {
              state = DONE;
              i++;
            } else if (c == ']' || c == ',') {
              throw new MalformedBodyException("expected an array element at byte " + position(i));
            } else {
              startElement(i);
            }
          }
          case IN_ELEMENT -> {
            if (scalar) {
              if (c == ',' || c == ']' || isSpace(c)) {
                endElement(i, sink);
              } else {
                i++;
              }
            } else {
              if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
              } else if (c == '"') {
                inString = true;
              } else if (c == '{' || c == '[') {
                depth++;
              } else if (c == '}' || c == ']') {
                depth--;
              }
              i++;
              if (depth == 0 && !inString) endElement(i, sink);
            }
          }
          case AFTER_ELEMENT -> {
            if (isSpace(c)) {
              i++;
            } else if (c == ',' && !single) {
              state = BEFORE_ELEMENT;
              i++;
              start = i;
            } else if (c == ']' && !single) {
              state = DONE;
              i++;
            } else {
              throw new MalformedBodyException("expected ',' or ']' after an array element at byte " + position(i));
            }
          }
          default -> { // DONE
            if (!isSpace(c)) throw new MalformedBodyException("unexpected data after the end of the JSON array at byte " + position(i));
            i++;
          }
        }
      }
      scan = i;
      if (state != IN_ELEMENT) start = i;
    }

    private void startElement(int i) {
      state = IN_ELEMENT;
      sawElement = true;
      start = i;
      byte c = buf[i];
      scalar = c != '{' && c != '[' && c != '"';
      if (c == '"') { // a string element: scan it as a one-level structure that ends at its closing quote
        scalar = false;
      }
      depth = 0;
      inString = false;
      escaped = false;
    }

    private void endElement(int i, Sink sink) throws MalformedBodyException {
      emit(start, i, tooLong(start, i), sink);
      state = AFTER_ELEMENT;
      start = i;
    }

    @Override
    void finish(Sink sink) throws MalformedBodyException {
      if (state == IN_ELEMENT && scalar) endElement(end, sink);
      if (state == AFTER_ELEMENT && single) state = DONE;
      if (state != DONE) {
        throw new MalformedBodyException(state == BEFORE_ARRAY
            ? "empty body: expected a JSON array of objects"
            : "truncated JSON array: the body ends at byte " + position(end) + " before the array is closed");
      }
    }
  }

  /**
   * RFC 4180 rows: a line break inside quotes belongs to the field. As in the row reader, a quote opens a
   * quoted field only at the start of a field; elsewhere it is a plain character. Blank lines are not rows.
   */
  private static final class CsvSplitter extends RecordSplitter {
    // CLOSED: a quote has just closed the field, or is the first half of a doubled quote
    private static final int FIELD_START = 0, UNQUOTED = 1, QUOTED = 2, CLOSED = 3;
    private int state = FIELD_START;

    CsvSplitter(int max) {
      super(max);
    }

    @Override
    protected void scanRecords(Sink sink) throws MalformedBodyException {
      int st = state;
      for (int i = scan; i < end; i++) {
        byte c = buf[i];
        if (st == QUOTED) {
          if (c == '"') st = CLOSED;
        } else if (c == '"' && st != UNQUOTED) {
          st = QUOTED;
        } else if (c == ',') {
          st = FIELD_START;
        } else if (c == '\n') {
          line(start, i, sink);
          start = i + 1;
          st = FIELD_START;
        } else {
          st = UNQUOTED;
        }
      }
      state = st;
      scan = end;
    }

    @Override
    void finish(Sink sink) throws MalformedBodyException {
      if (state == QUOTED) throw new MalformedBodyException("truncated CSV: a quoted field is not closed at the end of the body");
      if (end > start || skipping) line(start, end, sink);
      start = scan = end;
    }

    private void line(int from, int to, Sink sink) throws MalformedBodyException {
      boolean tooLong = tooLong(from, to);
      int b = to;
      if (b > from && buf[b - 1] == '\r') b--;
      boolean blank = true;
      for (int k = from; k < b && blank; k++) blank = isSpace(buf[k]);
      if (blank && !tooLong) return;
      emit(from, b, tooLong, sink);
    }
  }
}
