package dev.shiftlens.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordSplitterTest {
  private static final String OVERSIZED = "<oversized>";
  private static final int NO_LIMIT = 1 << 20;

  /** Records as text, and {@link #OVERSIZED} where the splitter reported one. */
  private static final class Collected implements RecordSplitter.Sink {
    final List<String> records = new ArrayList<>();

    @Override
    public void record(byte[] bytes, int offset, int length) {
      records.add(new String(bytes, offset, length, UTF_8));
    }

    @Override
    public void oversized() {
      records.add(OVERSIZED);
    }
  }

  /**
   * Feeds the body in pieces of {@code piece} bytes, each copied into a scratch array at an odd offset that
   * is overwritten afterwards, as a network buffer would be reused.
   */
  private static List<String> split(IntFunction<RecordSplitter> format, int limit, byte[] body, int piece)
      throws MalformedBodyException {
    RecordSplitter splitter = format.apply(limit);
    Collected sink = new Collected();
    byte[] scratch = new byte[piece + 3];
    for (int at = 0; at < body.length; at += piece) {
      int n = Math.min(piece, body.length - at);
      System.arraycopy(body, at, scratch, 3, n);
      splitter.feed(scratch, 3, n, sink);
      Arrays.fill(scratch, (byte) '"');
    }
    splitter.finish(sink);
    return sink.records;
  }

  /** The same records whatever the piece size, from 1 byte to the whole body at once. */
  private static void assertRecords(IntFunction<RecordSplitter> format, int limit, String body, String... expected)
      throws MalformedBodyException {
    byte[] bytes = body.getBytes(UTF_8);
    for (int piece = 1; piece <= Math.max(1, bytes.length); piece++) {
      assertEquals(List.of(expected), split(format, limit, bytes, piece), "pieces of " + piece + " bytes");
    }
  }

  private static void assertRecords(IntFunction<RecordSplitter> format, String body, String... expected)
      throws MalformedBodyException {
    assertRecords(format, NO_LIMIT, body, expected);
  }

  /** Malformed whatever the piece size; returns the message of the whole-body case. */
  private static String assertMalformed(IntFunction<RecordSplitter> format, String body) {
    byte[] bytes = body.getBytes(UTF_8);
    String message = null;
    for (int piece = 1; piece <= Math.max(1, bytes.length); piece++) {
      int size = piece;
      message = assertThrows(MalformedBodyException.class, () -> split(format, NO_LIMIT, bytes, size),
          "pieces of " + piece + " bytes").getMessage();
    }
    return message;
  }

  private static final int[] LARGE_PIECES = {1, 2, 3, 7, 100, 4095, 65_535, 65_536, 65_537, 100_003, Integer.MAX_VALUE};

  private static void assertLargeBody(IntFunction<RecordSplitter> format, int limit, byte[] body, List<String> expected)
      throws MalformedBodyException {
    for (int piece : LARGE_PIECES) {
      List<String> actual = split(format, limit, body, Math.min(piece, body.length));
      for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
        assertEquals(expected.get(i), actual.get(i), "record " + i + " in pieces of " + piece + " bytes");
      }
      assertEquals(expected.size(), actual.size(), "records in pieces of " + piece + " bytes");
    }
  }

  @Nested
  class Ndjson {
    private final IntFunction<RecordSplitter> ndjson = RecordSplitter::ndjson;

    @Test
    void eachLineIsOneRecord() throws Exception {
      assertRecords(ndjson, "{\"a\":1}\n{\"b\":2}\n", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void theLastLineNeedsNoLineBreak() throws Exception {
      assertRecords(ndjson, "{\"a\":1}\n{\"b\":2}", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void blankLinesAreNotRows() throws Exception {
      assertRecords(ndjson, "\n\n{\"a\":1}\n   \n\t\r\n{\"b\":2}\n\n\n", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void anEmptyBodyHasNoRecords() throws Exception {
      assertRecords(ndjson, "");
      assertRecords(ndjson, "\n \n");
    }

    @Test
    void crlfLineBreaksAndSurroundingSpacesAreNotPartOfTheRecord() throws Exception {
      assertRecords(ndjson, "{\"a\":1}\r\n  {\"b\":2} \r\n", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void multiByteCharactersSurviveAnyCut() throws Exception {
      assertRecords(ndjson, "{\"city\":\"Zürich\"}\n{\"emoji\":\"\uD83D\uDE80 東京\"}\n",
          "{\"city\":\"Zürich\"}", "{\"emoji\":\"\uD83D\uDE80 東京\"}");
    }

    @Test
    void bracesAndCommasInsideALineDoNotCutIt() throws Exception {
      assertRecords(ndjson, "{\"s\":\"},{\\\"\"}\n", "{\"s\":\"},{\\\"\"}");
    }

    @Test
    void aLineLongerThanTheLimitIsReportedOnceAndTheNextLinesAreRead() throws Exception {
      String big = "{\"big\":\"" + "x".repeat(40) + "\"}";
      assertRecords(ndjson, 16, "{\"a\":1}\n" + big + "\n{\"b\":2}\n", "{\"a\":1}", OVERSIZED, "{\"b\":2}");
      assertRecords(ndjson, 16, big + "\n" + big + "\n{\"b\":2}", OVERSIZED, OVERSIZED, "{\"b\":2}");
      assertRecords(ndjson, 16, "{\"a\":1}\n" + big, "{\"a\":1}", OVERSIZED);
    }

    @Test
    void aLineOfExactlyTheLimitIsARecordAndOneByteMoreIsNot() throws Exception {
      assertRecords(ndjson, 16, "{\"k\":\"12345678\"}\n{\"k\":\"123456789\"}\n{}\n",
          "{\"k\":\"12345678\"}", OVERSIZED, "{}");
    }

    @Test
    void aLargeBodyIsCutTheSameWayWhateverThePieces() throws Exception {
      StringBuilder body = new StringBuilder();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        String record = i % 500 == 7 ? OVERSIZED : "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(i % 50) + "\"}";
        body.append(record.equals(OVERSIZED) ? "{\"big\":\"" + "y".repeat(3_000) + "\"}" : record).append('\n');
        expected.add(record);
      }
      assertLargeBody(ndjson, 1_000, body.toString().getBytes(UTF_8), expected);
    }

    @Test
    void aRecordLargerThanTheBufferUnderTheLimitIsWhole() throws Exception {
      String huge = "{\"huge\":\"" + "z".repeat(200_000) + "\"}";
      assertLargeBody(ndjson, NO_LIMIT, ("{}\n" + huge + "\n{}").getBytes(UTF_8), List.of("{}", huge, "{}"));
    }
  }

  @Nested
  class JsonArray {
    private final IntFunction<RecordSplitter> array = RecordSplitter::jsonArray;

    @Test
    void eachElementIsOneRecord() throws Exception {
      assertRecords(array, "[{\"a\":1},{\"b\":2}]", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void whitespaceBetweenElementsIsNotPartOfThem() throws Exception {
      assertRecords(array, " \n[ \r\n {\"a\":1} ,\n\t{\"b\":2}\n ]\n ", "{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void stringsWithBracesBracketsCommasEscapedQuotesAndBackslashesDoNotCutAnElement() throws Exception {
      String first = "{\"s\":\"}{][,\\\"\\\\\",\"t\":\"\\\\\",\"u\":\"\\\\\\\"]\"}";
      String second = "{\"v\":\"]\"}";
      assertRecords(array, "[" + first + "," + second + "]", first, second);
    }

    @Test
    void nestedObjectsAndArraysStayInOneElement() throws Exception {
      String first = "{\"a\":{\"b\":{\"c\":[1,{\"d\":[]},[[]]]}},\"e\":{}}";
      assertRecords(array, "[" + first + ",{\"f\":[{\"g\":1}]}]", first, "{\"f\":[{\"g\":1}]}");
    }

    @Test
    void anEmptyArrayHasNoRows() throws Exception {
      assertRecords(array, "[]");
      assertRecords(array, " [ \n ] \n");
    }

    @Test
    void aSingleTopLevelObjectIsOneRow() throws Exception {
      assertRecords(array, "{\"a\":[1,2],\"b\":\"]\"}", "{\"a\":[1,2],\"b\":\"]\"}");
      assertRecords(array, "\n {\"a\":1} \n", "{\"a\":1}");
    }

    @Test
    void scalarsAndArraysInTheArrayAreRecordsForTheRowReaderToReject() throws Exception {
      assertRecords(array, "[1, \"x,]\", true,null ,-2.5e3,[1,2],{\"a\":1}]",
          "1", "\"x,]\"", "true", "null", "-2.5e3", "[1,2]", "{\"a\":1}");
    }

    @Test
    void aStringElementEndsAtItsClosingQuoteNotAtAnEscapedOne() throws Exception {
      assertRecords(array, "[\"a\\\"b\",\"c\\\\\"]", "\"a\\\"b\"", "\"c\\\\\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{\"a\":1},{\"b\":", "[{\"a\":1}", "[{\"a\":1},", "[{\"a\":1}] x", "[1,,2]", "[,]", "[{\"a\":1},]",
        "", "   \n", "{\"a\":1}{\"b\":2}", "{\"a\":1},{\"b\":2}", "{\"a\":1}]", "5", "\"x\"", "[][]",
        "[{\"a\":1} {\"b\":2}]", "[{\"a\":\"]}", "[1", "x[]"})
    void aBodyThatIsNoArrayOfElementsIsMalformed(String body) {
      assertMalformed(array, body);
    }

    @Test
    void anEmptyBodySaysSo() {
      assertTrue(assertMalformed(array, "").contains("empty body"));
    }

    @Test
    void dataAfterTheArrayIsReportedAtItsBytePosition() {
      String message = assertMalformed(array, "[{\"a\":1}] x");
      assertTrue(message.contains("after the end of the JSON array at byte 10"), message);
    }

    @Test
    void errorPositionsCountTheBytesAlreadyDropped() {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < 3_000; i++) body.append(i == 1_500 ? "{\"big\":\"" + "b".repeat(5_000) + "\"}," : "{\"i\":" + i + "},");
      body.append("{\"i\":\"end\"}] !");
      byte[] bytes = body.toString().getBytes(UTF_8);
      for (int piece : LARGE_PIECES) {
        String message = assertThrows(MalformedBodyException.class,
            () -> split(RecordSplitter::jsonArray, 1_000, bytes, Math.min(piece, bytes.length))).getMessage();
        assertTrue(message.endsWith("at byte " + (bytes.length - 1)), piece + ": " + message);
      }
    }

    @Test
    void anElementLongerThanTheLimitIsReportedOnceAndTheNextElementsAreRead() throws Exception {
      String big = "{\"big\":\"]]}},,[[{{\\\"" + "x".repeat(40) + "\"}";
      assertRecords(array, 16, "[{\"a\":1}," + big + ",{\"b\":2}]", "{\"a\":1}", OVERSIZED, "{\"b\":2}");
      assertRecords(array, 16, "[" + big + "," + big + "]", OVERSIZED, OVERSIZED);
      assertRecords(array, 16, "[12345678901234567890123, \"" + "s".repeat(30) + "\", 1]", OVERSIZED, OVERSIZED, "1");
      assertRecords(array, 16, big, OVERSIZED);
    }

    @Test
    void anElementOfExactlyTheLimitIsARecordAndOneByteMoreIsNot() throws Exception {
      assertRecords(array, 16, "[{\"k\":\"12345678\"}, {\"k\":\"123456789\"} ,{}]", "{\"k\":\"12345678\"}", OVERSIZED, "{}");
    }

    @Test
    void aLargeBodyIsCutTheSameWayWhateverThePieces() throws Exception {
      StringBuilder body = new StringBuilder("[\n");
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        if (i > 0) body.append(",\n");
        String record = i % 500 == 7 ? OVERSIZED : "{\"i\":" + i + ",\"s\":\"" + "]}\\\"".repeat(i % 20) + "\"}";
        body.append(record.equals(OVERSIZED) ? "{\"big\":[\"" + "y".repeat(3_000) + "\"]}" : record);
        expected.add(record);
      }
      body.append("\n]\n");
      assertLargeBody(array, 1_000, body.toString().getBytes(UTF_8), expected);
    }
  }

  @Nested
  class Csv {
    private final IntFunction<RecordSplitter> csv = RecordSplitter::csv;

    @Test
    void eachLineIsOneRecordWithoutItsLineBreak() throws Exception {
      assertRecords(csv, "id,name\n1,a\r\n2,b", "id,name", "1,a", "2,b");
    }

    @Test
    void blankLinesAreNotRows() throws Exception {
      assertRecords(csv, "id\n\n1\r\n\r\n  \n2\n\n", "id", "1", "2");
    }

    @Test
    void quotedFieldsKeepLineBreaksCommasAndDoubledQuotes() throws Exception {
      assertRecords(csv, "id,note\r\n1,\"a,b\"\r\n2,\"line1\r\nline2\nline3\"\r\n3,\"say \"\"hi\"\"\"\r\n4,\"\"\n",
          "id,note", "1,\"a,b\"", "2,\"line1\r\nline2\nline3\"", "3,\"say \"\"hi\"\"\"", "4,\"\"");
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAPlainCharacterAsTheRowReaderReadsIt() throws Exception {
      assertRecords(csv, "id,name,size\n1,27\" monitor,big\n2,7\" tablet,small\n3,x,y\n",
          "id,name,size", "1,27\" monitor,big", "2,7\" tablet,small", "3,x,y");
      assertRecords(csv, "id,name\n1,5\" screen\n", "id,name", "1,5\" screen");
    }

    @Test
    void aQuoteOpensAQuotedFieldOnlyAtTheStartOfAField() throws Exception {
      assertRecords(csv, "a,b\n\"x\ny\",\"\"\n1, \"2\n\"z\",3\n",
          "a,b", "\"x\ny\",\"\"", "1, \"2", "\"z\",3");
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsMalformed() {
      String message = assertMalformed(csv, "id,note\n1,\"abc\n2,def\n");
      assertTrue(message.contains("quoted field"), message);
      assertMalformed(csv, "id\n\"");
    }

    @Test
    void aRowLongerThanTheLimitIsReportedOnceAndTheNextRowsAreRead() throws Exception {
      String big = "1,\"" + "x\n,\"\"".repeat(10) + "\"";
      assertRecords(csv, 16, "id,note\n" + big + "\r\n2,b\n", "id,note", OVERSIZED, "2,b");
      assertRecords(csv, 16, "id,note\n2,b\n" + big, "id,note", "2,b", OVERSIZED);
    }

    @Test
    void aRowOfExactlyTheLimitIsARecordAndOneByteMoreIsNot() throws Exception {
      assertRecords(csv, 16, "1234567890123456\n12345678901234567\nok\n", "1234567890123456", OVERSIZED, "ok");
    }

    @Test
    void aLargeBodyIsCutTheSameWayWhateverThePieces() throws Exception {
      StringBuilder body = new StringBuilder();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        String record = i % 500 == 7 ? OVERSIZED : i + ",\"" + "a\"\"\r\n,".repeat(i % 20) + "\"";
        body.append(record.equals(OVERSIZED) ? i + ",\"" + "y\n".repeat(1_500) + "\"" : record).append("\r\n");
        expected.add(record);
      }
      assertLargeBody(csv, 1_000, body.toString().getBytes(UTF_8), expected);
    }
  }
}
