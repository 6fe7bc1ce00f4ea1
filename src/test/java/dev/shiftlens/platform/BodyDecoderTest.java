package dev.shiftlens.platform;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BodyDecoderTest {
  private static final byte[] TEXT = text();

  private static byte[] text() {
    StringBuilder sb = new StringBuilder();
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) sb.append("{\"row\":").append(random.nextInt()).append("}\n");
    return sb.toString().getBytes(UTF_8);
  }

  private static byte[] gzip(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(body);
    }
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] body, boolean raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
      z.write(body);
    }
    return out.toByteArray();
  }

  /** Decodes {@code body} fed in pieces of {@code piece} bytes. */
  private static byte[] decode(String encoding, byte[] body, int piece) {
    BodyDecoder decoder = BodyDecoder.of(encoding);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += piece) {
      decoder.feed(body, i, Math.min(piece, body.length - i), (b, o, l) -> {
        out.write(b, o, l);
        return true;
      });
    }
    decoder.finish();
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096, 1 << 20})
  void gzipAndBothKindsOfDeflateDecodeHoweverTheBodyIsCut(int piece) throws IOException {
    assertArrayEquals(TEXT, decode("gzip", gzip(TEXT), piece));
    assertArrayEquals(TEXT, decode("deflate", deflate(TEXT, false), piece));
    assertArrayEquals(TEXT, decode("deflate", deflate(TEXT, true), piece));
    assertArrayEquals(TEXT, decode(null, TEXT, piece));
  }

  @Test
  void concatenatedGzipMembersAreOneBody() throws IOException {
    byte[] a = gzip("first\n".getBytes(UTF_8)), b = gzip("second\n".getBytes(UTF_8));
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertEquals("first\nsecond\n", new String(decode("gzip", both, 5), UTF_8));
  }

  @Test
  void badBodiesAre400sThatSayWhy() throws IOException {
    byte[] zipped = gzip(TEXT);
    assertBad("gzip", TEXT, "magic number");
    assertBad("gzip", Arrays.copyOf(zipped, zipped.length / 2), "ends before the gzip stream");
    assertBad("gzip", Arrays.copyOf(zipped, zipped.length - 3), "ends before the gzip stream");
    byte[] corrupt = zipped.clone();
    corrupt[zipped.length - 6] ^= 1; // the CRC
    assertBad("gzip", corrupt, "CRC-32");
    byte[] trailing = Arrays.copyOf(zipped, zipped.length + 1);
    assertBad("gzip", trailing, "after the gzip stream");
    assertBad("gzip", new byte[0], "empty");
    assertBad("deflate", "not deflate at all".getBytes(UTF_8), "deflate");
    byte[] deflated = deflate(TEXT, false);
    assertBad("deflate", Arrays.copyOf(deflated, deflated.length / 2), "ends before the deflate stream");
  }

  @Test
  void anUnknownEncodingIs415() {
    assertEquals(415, assertThrows(ApiException.class, () -> BodyDecoder.of("br")).status());
  }

  @Test
  void decodingStopsWhenTheReaderSaysSo() throws IOException {
    BodyDecoder decoder = BodyDecoder.of("gzip");
    int[] written = {0};
    byte[] zipped = gzip(new byte[50 << 20]); // a compression bomb: 50 MiB of zeros in some 50 KiB
    boolean more = decoder.feed(zipped, 0, zipped.length, (b, o, l) -> (written[0] += l) < (1 << 20));
    assertEquals(false, more);
    assertTrue(written[0] <= (1 << 20) + (64 << 10), "decoded " + written[0] + " bytes after being told to stop");
    decoder.close();
  }

  private static void assertBad(String encoding, byte[] body, String why) {
    ApiException e = assertThrows(ApiException.class, () -> decode(encoding, body, 1000));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
