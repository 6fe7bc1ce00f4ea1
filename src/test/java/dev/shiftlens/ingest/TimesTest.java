package dev.shiftlens.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimesTest {
  private static long millis(String isoInstant) {
    return Instant.parse(isoInstant).toEpochMilli();
  }

  @Test
  void rfc3339WithZIsUtc() {
    assertEquals(millis("2026-11-28T10:00:00Z"), Times.fromText("2026-11-28T10:00:00Z"));
  }

  @Test
  void aLowerCaseZAndALowerCaseTAreAccepted() {
    assertEquals(millis("2026-11-28T10:00:00Z"), Times.fromText("2026-11-28t10:00:00z"));
  }

  @Test
  void offsetsWithColonWithoutColonAndHoursOnlyAreSubtracted() {
    assertEquals(OffsetDateTime.of(2026, 11, 28, 10, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)).toInstant().toEpochMilli(),
        Times.fromText("2026-11-28T10:00:00+05:30"));
    assertEquals(millis("2026-11-28T04:30:00Z"), Times.fromText("2026-11-28T10:00:00+05:30"));
    assertEquals(millis("2026-11-28T18:00:00Z"), Times.fromText("2026-11-28T10:00:00-0800"));
    assertEquals(millis("2026-11-28T09:00:00Z"), Times.fromText("2026-11-28T10:00:00+01"));
    assertEquals(millis("2026-11-28T10:00:00Z"), Times.fromText("2026-11-28T10:00:00-00:00"));
  }

  @Test
  void anOffsetCanMoveTheTimeToAnotherDayAndYear() {
    assertEquals(millis("2027-01-01T07:30:00Z"), Times.fromText("2026-12-31T23:30:00-08:00"));
    assertEquals(millis("2025-12-31T22:00:00Z"), Times.fromText("2026-01-01T01:00:00+03"));
  }

  @Test
  void fractionalSecondsOfOneToNineDigitsAreTruncatedToMilliseconds() {
    long base = millis("2026-11-28T10:00:00Z");
    String[] fractions = {"5", "12", "123", "1239", "12399", "123999", "1239999", "12399999", "123999999"};
    long[] expected = {500, 120, 123, 123, 123, 123, 123, 123, 123};
    for (int i = 0; i < fractions.length; i++) {
      assertEquals(base + expected[i], Times.fromText("2026-11-28T10:00:00." + fractions[i] + "Z"), fractions[i]);
      assertEquals(base + expected[i], Times.fromText("2026-11-28 10:00:00." + fractions[i]), fractions[i]);
    }
  }

  @Test
  void aFractionWithAnOffsetKeepsItsMilliseconds() {
    assertEquals(millis("2026-11-28T08:59:59.999Z"), Times.fromText("2026-11-28T09:59:59.999999+01:00"));
  }

  @Test
  void dateTimesWithoutOffsetAreUtcWhetherWithTOrASpace() {
    long expected = LocalDateTime.of(2026, 11, 28, 10, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    assertEquals(expected, Times.fromText("2026-11-28T10:00:00"));
    assertEquals(expected, Times.fromText("2026-11-28 10:00:00"));
    assertEquals(expected + 123, Times.fromText("2026-11-28T10:00:00.123"));
  }

  @Test
  void dateTimesWithoutSecondsAreReadToo() {
    assertEquals(millis("2026-11-28T10:00:00Z"), Times.fromText("2026-11-28T10:00"));
    assertEquals(millis("2026-11-28T09:00:00Z"), Times.fromText("2026-11-28T10:00+01:00"));
  }

  @Test
  void aDateAloneIsMidnightUtc() {
    assertEquals(LocalDate.of(2026, 11, 28).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(), Times.fromText("2026-11-28"));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertEquals(millis("2026-11-28T10:00:00Z"), Times.fromText("  2026-11-28T10:00:00Z\t"));
  }

  @Test
  void leapDaysFollowTheGregorianRules() {
    assertEquals(millis("2024-02-29T12:00:00Z"), Times.fromText("2024-02-29T12:00:00Z"));
    assertEquals(millis("2000-02-29T12:00:00Z"), Times.fromText("2000-02-29T12:00:00Z"));
    assertThrows(IllegalArgumentException.class, () -> Times.fromText("2023-02-29T12:00:00Z"));
    assertThrows(IllegalArgumentException.class, () -> Times.fromText("2100-02-29T12:00:00Z"));
  }

  @Test
  void randomInstantsInEveryShapeMatchJavaTime() {
    Random random = new Random(20261128);
    DateTimeFormatter withOffset = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");
    DateTimeFormatter compactOffset = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxx");
    DateTimeFormatter spaced = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    for (int n = 0; n < 5_000; n++) {
      long expected = -2_000_000_000_000L + (long) (random.nextDouble() * 6_000_000_000_000L);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(57) - 28) * 30 * 60);
      OffsetDateTime local = Instant.ofEpochMilli(expected).atOffset(offset);
      String a = withOffset.format(local);
      String b = compactOffset.format(local);
      String c = spaced.format(Instant.ofEpochMilli(expected).atOffset(ZoneOffset.UTC));
      assertEquals(expected, Times.fromText(a), a);
      assertEquals(expected, Times.fromText(b), b);
      assertEquals(expected, Times.fromText(c), c);
      assertEquals(expected - Math.floorMod(expected, 1000), Times.fromText(Instant.ofEpochMilli(expected).truncatedTo(ChronoUnit.SECONDS).toString()));
    }
  }

  @Test
  void integerJsonNumbersAreEpochSeconds() {
    assertEquals(1_700_000_000_000L, Times.fromNumber(1_700_000_000));
    assertEquals(1_700_000_000_000L, Times.fromNumber(1_700_000_000L));
    assertEquals(1_700_000_000_000L, Times.fromNumber(BigInteger.valueOf(1_700_000_000L)));
  }

  @Test
  void fractionalJsonNumbersAreEpochSecondsWithMilliseconds() {
    assertEquals(1_700_000_000_123L, Times.fromNumber(1_700_000_000.123));
    assertEquals(1_700_000_000_500L, Times.fromNumber(1_700_000_000.5));
  }

  @Test
  void numbersAbove1e11AreEpochMilliseconds() {
    assertEquals(1_700_000_000_123L, Times.fromNumber(1_700_000_000_123L));
    assertEquals(1_700_000_000_123L, Times.fromNumber(1_700_000_000_123.0));
    assertEquals(100_000_000_001L, Times.fromNumber(100_000_000_001L));
    assertEquals(100_000_000_000_000L, Times.fromNumber(100_000_000_000L), "1e11 itself is not above 1e11: seconds");
  }

  @Test
  void digitStringsAreEpochSecondsOrMillisecondsLikeNumbers() {
    assertEquals(1_700_000_000_000L, Times.fromText("1700000000"));
    assertEquals(1_700_000_000_250L, Times.fromText("1700000000.25"));
    assertEquals(1_700_000_000_123L, Times.fromText("1700000000123"));
    assertEquals(1_700_000_000_000L, Times.fromText(" 1700000000 "));
  }

  @Test
  void negativeEpochSecondsAreTimesBefore1970() {
    // Times reads them; the ingestion rules (before 2000-01-01) reject them, see EventRowTest.
    assertEquals(-86_400_000L, Times.fromNumber(-86_400));
    assertEquals(-1_500L, Times.fromText("-1.5"));
    assertEquals(millis("1969-12-31T23:59:59.500Z"), Times.fromText("1969-12-31T23:59:59.5Z"));
  }

  @Test
  void aJsonNumberBeyondALongIsRejectedRatherThanWrappedIntoAPlausibleTime() {
    // 2^64 + 1.7e12 wraps to 1.7e12 (a time in 2023) when read with longValue()
    BigInteger huge = BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(1_700_000_000_000L));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Times.fromNumber(huge));
    assertTrue(e.getMessage().contains(huge.toString()), e.getMessage());
  }

  @Test
  void nonFiniteNumbersAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Times.fromNumber(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Times.fromNumber(Double.POSITIVE_INFINITY));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T10:00:00",
      "2026-11-28T24:00:00Z", "2026-11-28T10:60:00Z", "2026-11-28T10:00:60Z", "2026-11-28 10:00:00+19:00",
      "2026-11-28T10:00:00+05:75"})
  void impossibleDatesTimesAndOffsetsAreRejectedWithTheTextInTheMessage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Times.fromText(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
    assertTrue(e.getMessage().startsWith("impossible"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-13-01", "2026-02-30", "yesterday", "2026/11/28 10:00:00",
      "2026-11-28T10:00:00.123abc", "2026-11-28T10:00:00Zx", "2026-11-28T10:00:00+5", "1700000000x", "--1"})
  void textThatIsNoTimeIsRejectedWithAReadableMessage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Times.fromText(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void emptyAndBlankTextIsRejected() {
    assertEquals("empty time", assertThrows(IllegalArgumentException.class, () -> Times.fromText("")).getMessage());
    assertEquals("empty time", assertThrows(IllegalArgumentException.class, () -> Times.fromText("   ")).getMessage());
  }

  @Test
  void longTextIsAbbreviatedInTheMessage() {
    String text = "x".repeat(500);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Times.fromText(text));
    assertTrue(e.getMessage().contains("x".repeat(61) + "..."), e.getMessage());
    assertTrue(e.getMessage().length() < 200, e.getMessage());
  }

  @Test
  void formatWritesRfc3339InUtcWithZ() {
    assertEquals("2026-11-28T10:00:00Z", Times.format(millis("2026-11-28T10:00:00Z")));
    assertEquals("2026-11-28T10:00:00.123Z", Times.format(millis("2026-11-28T10:00:00.123Z")));
  }
}
