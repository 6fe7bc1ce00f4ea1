package dev.shiftlens.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventKeyTest {
  private static final long T = 1_795_860_000_123L;
  private static final String FOX = "The quick brown fox jumps over the lazy dog";

  /**
   * MurmurHash3_x64_128 with seed 0, written from the reference description independently of
   * {@link EventKey#hash}: blocks read through a little-endian ByteBuffer, the tail gathered in a loop.
   */
  private static long[] reference(byte[] data) {
    long c1 = 0x87c37b91114253d5L;
    long c2 = 0x4cf5ad432745937fL;
    long h1 = 0;
    long h2 = 0;
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int blocks = data.length / 16;
    for (int i = 0; i < blocks; i++) {
      h1 ^= Long.rotateLeft(in.getLong(16 * i) * c1, 31) * c2;
      h1 = (Long.rotateLeft(h1, 27) + h2) * 5 + 0x52dce729;
      h2 ^= Long.rotateLeft(in.getLong(16 * i + 8) * c2, 33) * c1;
      h2 = (Long.rotateLeft(h2, 31) + h1) * 5 + 0x38495ab5;
    }
    long k1 = 0;
    long k2 = 0;
    int rest = data.length - 16 * blocks;
    for (int n = 0; n < rest; n++) {
      long b = data[16 * blocks + n] & 0xffL;
      if (n < 8) k1 |= b << (8 * n);
      else k2 |= b << (8 * (n - 8));
    }
    if (rest > 8) h2 ^= Long.rotateLeft(k2 * c2, 33) * c1;
    if (rest > 0) h1 ^= Long.rotateLeft(k1 * c1, 31) * c2;
    h1 ^= data.length;
    h2 ^= data.length;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    return new long[] {h1, h2};
  }

  private static long fmix(long k) {
    k = (k ^ (k >>> 33)) * 0xff51afd7ed558ccdL;
    k = (k ^ (k >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return k ^ (k >>> 33);
  }

  private static void assertHash(long h1, long h2, byte[] data) {
    EventKey key = EventKey.hash(data);
    assertEquals(String.format("%016x%016x", h1, h2), String.format("%016x%016x", key.hi(), key.lo()), data.length + " bytes");
  }

  @Test
  void theEmptyInputHashesToZero() {
    assertHash(0, 0, new byte[0]);
  }

  @Test
  void theQuickBrownFoxHashesToThePublishedVector() {
    assertHash(0xe34bbc7bbc071b6cL, 0x7a433ca9c49a9347L, FOX.getBytes(UTF_8));
  }

  @Test
  void theReferenceUsedBelowGivesThePublishedVectors() {
    long[] fox = reference(FOX.getBytes(UTF_8));
    assertEquals(0xe34bbc7bbc071b6cL, fox[0]);
    assertEquals(0x7a433ca9c49a9347L, fox[1]);
    long[] empty = reference(new byte[0]);
    assertEquals(0, empty[0]);
    assertEquals(0, empty[1]);
  }

  @Test
  void inputsOfOneBlockAndOfAShortTailMatchValuesFromAnotherImplementation() {
    // values of Guava's Hashing.murmur3_128(0), its bytes read back as two little-endian longs
    assertHash(0xcbd8a7b341bd9b02L, 0x5b1e906a48ae1d19L, "hello".getBytes(UTF_8));
    assertHash(0x4be06d94cf4ad1a7L, 0x87c35b5c63a708daL, "0123456789abcdef".getBytes(UTF_8));
    assertHash(0xcdebd2acb570d6f7L, 0x8f72119782104b27L, "0123456789abcdefX".getBytes(UTF_8));
  }

  @Test
  void everyLengthAndEveryByteValueMatchesTheReference() {
    Random random = new Random(128);
    for (int length = 0; length <= 80; length++) {
      for (int trial = 0; trial < 20; trial++) {
        byte[] data = new byte[length];
        random.nextBytes(data); // bytes above 0x7f catch sign extension
        long[] expected = reference(data);
        assertHash(expected[0], expected[1], data);
      }
    }
  }

  @Test
  void hexIsHighHalfThenLowHalfIn32LowerCaseDigits() {
    assertEquals("0000000000000001000000000000000a", new EventKey(1, 10).hex());
    assertEquals("ffffffffffffffff8000000000000000", new EventKey(-1, Long.MIN_VALUE).hex());
  }

  @Test
  void theSameIdentityGivesTheSameKey() {
    assertEquals(EventKey.of("c1", null, T, "purchase", "{\"a\":1}"), EventKey.of("c1", null, T, "purchase", "{\"a\":1}"));
    assertEquals(EventKey.of("c1", "i-1", T, "purchase", null), EventKey.of("c1", "i-1", T, "purchase", null));
  }

  @Test
  void withAnInstanceIdTimeNameAndMetadataDoNotMatter() {
    EventKey key = EventKey.of("c1", "i-1", T, "purchase", "{\"a\":1}");
    assertEquals(key, EventKey.of("c1", "i-1", T + 5_000, "purchase", "{\"a\":1}"));
    assertEquals(key, EventKey.of("c1", "i-1", T, "refund", "{\"a\":1}"));
    assertEquals(key, EventKey.of("c1", "i-1", T, "purchase", null));
    assertNotEquals(key, EventKey.of("c1", "i-2", T, "purchase", "{\"a\":1}"));
    assertNotEquals(key, EventKey.of("c2", "i-1", T, "purchase", "{\"a\":1}"));
  }

  @Test
  void withoutAnInstanceIdEachOfContactTimeNameAndMetadataChangesTheKey() {
    EventKey key = EventKey.of("c1", null, T, "purchase", "{\"a\":1}");
    List<EventKey> others = List.of(
        EventKey.of("c2", null, T, "purchase", "{\"a\":1}"),
        EventKey.of("c1", null, T + 1, "purchase", "{\"a\":1}"),
        EventKey.of("c1", null, T, "purchase2", "{\"a\":1}"),
        EventKey.of("c1", null, T, "purchase", "{\"a\":2}"),
        EventKey.of("c1", null, T, "purchase", null));
    Set<EventKey> distinct = new HashSet<>(others);
    distinct.add(key);
    assertEquals(6, distinct.size());
  }

  @Test
  void anEmptyInstanceIdIsNoInstanceId() {
    assertEquals(EventKey.of("c1", null, T, "purchase", null), EventKey.of("c1", "", T, "purchase", null));
  }

  @Test
  void anInstanceIdNeverGivesTheKeyOfAnEventWithoutOne() {
    assertNotEquals(EventKey.of("c1", String.valueOf(T), T, "purchase", null), EventKey.of("c1", null, T, "purchase", null));
  }

  @Test
  void fieldBoundariesAreNotConfused() {
    assertNotEquals(EventKey.of("c1", null, T, "ab", "{}"), EventKey.of("c1", null, T, "a", "b{}"));
    assertNotEquals(EventKey.of("c", "1i-1", T, "x", null), EventKey.of("c1", "i-1", T, "x", null));
    // parts that contain what a separator would be
    assertNotEquals(EventKey.of("u", "1\u0000iz", T, "x", null), EventKey.of("u\u0000i1", "z", T, "x", null));
    assertNotEquals(EventKey.of("u", "1:2", T, "x", null), EventKey.of("u1:", "2", T, "x", null));
  }

  /** Stored events keep their keys: a resend after an upgrade must still get the key stored before it. */
  @Test
  void theKeyIsTheHashOfTheUtf8IdentityAndMustNotChange() {
    assertEquals(EventKey.hash("2:c1i3:i-1".getBytes(UTF_8)), EventKey.of("c1", "i-1", T, "x", null));
    assertEquals(EventKey.hash(("3:Zoët" + T + ";5:achat2:{}").getBytes(UTF_8)), EventKey.of("Zoë", null, T, "achat", "{}"));
  }
}
