package dev.shiftlens.platform;

import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Undoes a request body's {@code Content-Encoding} ({@code gzip}, {@code deflate} or none) piece by piece,
 * as the body arrives. The server does not decompress on its own: the HTTP codec's decompressor closes
 * the connection on a bad body, where the client is owed a 400 problem. Here a body that is not what
 * its encoding says, or ends before its compressed stream does, fails with an {@link ApiException}
 * (400). Decoded bytes come out in pieces of at most 64 KiB, so that whoever counts them can stop a
 * compression bomb early. One instance per request, on its event loop.
 */
public abstract class BodyDecoder {
  /** Receives decoded bytes; returns false to stop decoding (the body is refused). */
  public interface Output<E extends Exception> {
    boolean write(byte[] bytes, int offset, int length) throws E;
  }

  private static final int PIECE = 64 * 1024;

  /** The decoder for a {@code Content-Encoding} header (null: none); a 415 for an encoding it does not know. */
  public static BodyDecoder of(String contentEncoding) {
    String encoding = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase(Locale.ROOT);
    return switch (encoding) {
      case "", "identity" -> new Identity();
      case "gzip", "x-gzip" -> new Gzip();
      case "deflate" -> new Deflate();
      default -> throw new ApiException(415, "Unsupported Media Type",
          "Content-Encoding '" + contentEncoding + "' is not supported; use gzip, deflate or none");
    };
  }

  /** Decodes {@code bytes[offset, offset + length)}; returns false once {@code out} has asked to stop. */
  public abstract <E extends Exception> boolean feed(byte[] bytes, int offset, int length, Output<E> out) throws E;

  /** The body has ended: a 400 when its compressed stream has not. Frees the decoder. */
  public abstract void finish();

  /** Frees the decoder early (the body is abandoned). */
  public void close() {}

  public boolean identity() {
    return false;
  }

  static ApiException bad(String encoding, String why) {
    return ApiException.badRequest("the body is not valid " + encoding + " (Content-Encoding: " + encoding + "): " + why);
  }

  private static final class Identity extends BodyDecoder {
    @Override
    public <E extends Exception> boolean feed(byte[] bytes, int offset, int length, Output<E> out) throws E {
      return out.write(bytes, offset, length);
    }

    @Override
    public void finish() {}

    @Override
    public boolean identity() {
      return true;
    }
  }

  /** Shared by both: inflate what is given, report the end of the compressed stream. */
  private abstract static class Inflating extends BodyDecoder {
    protected Inflater inflater;
    private byte[] piece;
    protected final String name;

    Inflating(String name) {
      this.name = name;
    }

    /**
     * Inflates {@code bytes[offset, offset + length)} into {@code out}; returns the number of input bytes
     * left over after the end of the compressed stream (0 while it goes on), or -1 when out said stop.
     */
    protected <E extends Exception> int inflate(byte[] bytes, int offset, int length, Output<E> out) throws E {
      if (piece == null) piece = new byte[PIECE];
      inflater.setInput(bytes, offset, length);
      try {
        while (true) {
          int n = inflater.inflate(piece);
          if (n > 0) {
            decoded(piece, n);
            if (!out.write(piece, 0, n)) return -1;
            continue;
          }
          if (inflater.finished()) return inflater.getRemaining();
          if (inflater.needsDictionary()) throw bad(name, "it asks for a preset dictionary");
          if (inflater.needsInput()) return 0;
        }
      } catch (DataFormatException e) {
        close();
        throw bad(name, e.getMessage() == null ? "corrupt data" : e.getMessage());
      }
    }

    protected void decoded(byte[] bytes, int length) {}

    @Override
    public void close() {
      if (inflater != null) inflater.end();
    }
  }

  /** RFC 1952: one or more members, each a header, a deflate stream and a CRC-32 and length trailer. */
  private static final class Gzip extends Inflating {
    private static final int HEADER = 0, DATA = 1, TRAILER = 2, BETWEEN = 3;
    private int state = HEADER;
    private final byte[] held = new byte[PIECE];
    private int heldLength; // header or trailer bytes gathered so far
    private final CRC32 crc = new CRC32();
    private long size;

    Gzip() {
      super("gzip");
    }

    @Override
    public <E extends Exception> boolean feed(byte[] bytes, int offset, int length, Output<E> out) throws E {
      int i = offset, end = offset + length;
      while (i < end) {
        switch (state) {
          case BETWEEN, HEADER -> {
            state = HEADER;
            int take = Math.min(end - i, held.length - heldLength);
            System.arraycopy(bytes, i, held, heldLength, take);
            int headerLength = headerLength(held, heldLength + take);
            if (headerLength < 0) { // not complete yet: everything taken was header
              heldLength += take;
              i += take;
              if (heldLength == held.length) throw bad(name, "the header is too long");
            } else {
              i += headerLength - heldLength;
              heldLength = 0;
              if (inflater == null) inflater = new Inflater(true);
              else inflater.reset();
              crc.reset();
              size = 0;
              state = DATA;
            }
          }
          case DATA -> {
            int left = inflate(bytes, i, end - i, out);
            if (left < 0) return false;
            if (left == 0 && !inflater.finished()) {
              i = end;
            } else {
              i = end - left;
              state = TRAILER;
            }
          }
          default -> { // TRAILER: CRC-32 and length, little-endian
            int take = Math.min(end - i, 8 - heldLength);
            System.arraycopy(bytes, i, held, heldLength, take);
            heldLength += take;
            i += take;
            if (heldLength == 8) {
              if (le32(held, 0) != crc.getValue()) throw bad(name, "the CRC-32 does not match the data");
              if (le32(held, 4) != (size & 0xFFFFFFFFL)) throw bad(name, "the length does not match the data");
              heldLength = 0;
              state = BETWEEN;
            }
          }
        }
      }
      return true;
    }

    @Override
    protected void decoded(byte[] bytes, int length) {
      crc.update(bytes, 0, length);
      size += length;
    }

    @Override
    public void finish() {
      close();
      if (state != BETWEEN) {
        throw bad(name, state == HEADER && heldLength == 0 ? "the body is empty" : "the body ends before the gzip stream does");
      }
    }

    /** The length of the member header at the start of {@code h[0, n)}, -1 when it is not all there yet. */
    private int headerLength(byte[] h, int n) {
      if (n >= 1 && (h[0] & 0xFF) != 0x1F || n >= 2 && (h[1] & 0xFF) != 0x8B) {
        throw bad(name, state == HEADER && inflater == null ? "it does not start with the gzip magic number" : "data after the gzip stream");
      }
      if (n >= 3 && h[2] != 8) throw bad(name, "the compression method is not deflate");
      if (n < 10) return -1;
      int flags = h[3] & 0xFF;
      if ((flags & 0xE0) != 0) throw bad(name, "reserved header flags are set");
      int at = 10;
      if ((flags & 4) != 0) { // FEXTRA
        if (n < at + 2) return -1;
        at += 2 + ((h[at] & 0xFF) | (h[at + 1] & 0xFF) << 8);
      }
      for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
        if ((flags & flag) == 0) continue;
        while (true) {
          if (at >= n) return -1;
          if (h[at++] == 0) break;
        }
      }
      if ((flags & 2) != 0) at += 2; // FHCRC
      return at <= n ? at : -1;
    }

    private static long le32(byte[] b, int i) {
      return (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24;
    }
  }

  /**
   * HTTP's deflate is the zlib format (RFC 1950); some clients send the raw deflate stream (RFC 1951)
   * instead, so the first two bytes decide, as browsers do.
   */
  private static final class Deflate extends Inflating {
    private boolean ended;
    private int first = -1;

    Deflate() {
      super("deflate");
    }

    @Override
    public <E extends Exception> boolean feed(byte[] bytes, int offset, int length, Output<E> out) throws E {
      if (length == 0) return true;
      if (ended) throw bad(name, "data after the deflate stream");
      if (inflater == null) {
        if (first < 0 && length == 1) { // the wrapper cannot be told from one byte: wait for the next
          first = bytes[offset] & 0xFF;
          return true;
        }
        int b0 = first >= 0 ? first : bytes[offset] & 0xFF;
        int b1 = first >= 0 ? bytes[offset] & 0xFF : bytes[offset + 1] & 0xFF;
        inflater = new Inflater(!((b0 & 0x0F) == 8 && ((b0 << 8) | b1) % 31 == 0));
        if (first >= 0) {
          int left = inflate(new byte[] {(byte) first}, 0, 1, out);
          if (left < 0) return false;
        }
      }
      int left = inflate(bytes, offset, length, out);
      if (left < 0) return false;
      if (inflater.finished()) {
        ended = true;
        if (left > 0) throw bad(name, "data after the deflate stream");
      }
      return true;
    }

    @Override
    public void finish() {
      boolean complete = inflater != null && inflater.finished();
      close();
      if (!complete) throw bad(name, inflater == null ? "the body is empty" : "the body ends before the deflate stream does");
    }
  }
}
