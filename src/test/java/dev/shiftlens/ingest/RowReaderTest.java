package dev.shiftlens.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RowReaderTest {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static RawRow read(RowReader reader, String record) throws RowException {
    RawRow row = new RawRow();
    read(reader, record, row);
    return row;
  }

  private static void read(RowReader reader, String record, RawRow row) throws RowException {
    byte[] bytes = record.getBytes(UTF_8);
    reader.read(bytes, 0, bytes.length, row);
  }

  private static boolean header(RowReader reader, byte[] bytes) throws MalformedBodyException {
    return reader.consumeHeader(bytes, 0, bytes.length);
  }

  private static boolean header(RowReader reader, String record) throws MalformedBodyException {
    return header(reader, record.getBytes(UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Nested
  class Json {
    private final RowReader json = RowReader.json();

    @Test
    void readsEveryJsonTypeOfAField() throws Exception {
      RawRow row = read(json, "{\"s\":\"text\",\"i\":42,\"l\":12345678901,\"big\":123456789012345678901234,"
          + "\"f\":1.5,\"t\":true,\"no\":false,\"n\":null}");
      assertFalse(row.textual());
      assertEquals(8, row.size());
      assertEquals("text", row.get("s"));
      assertEquals(Integer.valueOf(42), row.get("i"));
      assertEquals(Long.valueOf(12_345_678_901L), row.get("l"));
      assertEquals(new BigInteger("123456789012345678901234"), row.get("big"));
      assertEquals(Double.valueOf(1.5), row.get("f"));
      assertEquals(Boolean.TRUE, row.get("t"));
      assertEquals(Boolean.FALSE, row.get("no"));
      assertTrue(row.has("n"));
      assertNull(row.get("n"));
      assertFalse(row.has("missing"));
      assertNull(row.get("missing"));
    }

    @Test
    void objectsAndArraysAreKeptAsCompactJsonText() throws Exception {
      RawRow row = read(json, "{ \"o\" : { \"a\" : [ 1 , { \"b\" : null } ] , \"c\" : \"x y\" } ,\n \"arr\" : [ \"x\" , 2 , true ] }");
      assertEquals(new RawRow.Json("{\"a\":[1,{\"b\":null}],\"c\":\"x y\"}", true), row.get("o"));
      assertEquals(new RawRow.Json("[\"x\",2,true]", false), row.get("arr"));
    }

    @Test
    void escapesAndNonAsciiTextAreDecoded() throws Exception {
      RawRow row = read(json, "{\"city\":\"Zürich\",\"q\":\"say \\\"hi\\\"\\n\",\"u\":\"\\u00e9\",\"東京\":\"\uD83D\uDE80\"}");
      assertEquals("Zürich", row.get("city"));
      assertEquals("say \"hi\"\n", row.get("q"));
      assertEquals("é", row.get("u"));
      assertEquals("\uD83D\uDE80", row.get("東京"));
    }

    @Test
    void aRepeatedKeyRejectsTheRowNamingTheKey() {
      RowException e = assertThrows(RowException.class, () -> read(json, "{\"a\":1,\"b\":2,\"a\":\"two\"}"));
      assertEquals("a", e.field());
      assertEquals("is given more than once in the row", e.getMessage());
    }

    @Test
    void aRepeatedKeyInsideAValueRejectsTheRowNamingTheField() {
      RowException e = assertThrows(RowException.class, () -> read(json, "{\"metadata\":{\"x\":{\"k\":1,\"k\":2}}}"));
      assertEquals("metadata", e.field());
      assertEquals("has the key 'k' more than once", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"id\":\"a\\ud800\"}", "{\"id\":\"\\udc00b\"}", "{\"id\":\"\\ude00\\ud83d\"}"})
    void aLoneSurrogateRejectsTheRowNamingTheField(String record) {
      RowException e = assertThrows(RowException.class, () -> read(json, record));
      assertEquals("id", e.field());
      assertTrue(e.getMessage().contains("lone UTF-16 surrogate"), e.getMessage());
    }

    @Test
    void aLoneSurrogateInsideAValueOrAKeyRejectsTheRow() {
      RowException value = assertThrows(RowException.class, () -> read(json, "{\"metadata\":{\"a\":[\"\\ud800\"]}}"));
      assertEquals("metadata", value.field());
      assertTrue(value.getMessage().contains("\\uD800"), value.getMessage());
      RowException key = assertThrows(RowException.class, () -> read(json, "{\"labels\":{\"\\udfff\":\"x\"}}"));
      assertEquals("labels", key.field());
      RowException name = assertThrows(RowException.class, () -> read(json, "{\"\\udfff\":\"x\"}"));
      assertNull(name.field());
    }

    @Test
    void aSurrogatePairIsOneCharacter() throws Exception {
      RawRow row = read(json, "{\"id\":\"\\ud83d\\ude80\",\"m\":{\"k\":\"\\ud83d\\ude80\"}}");
      assertEquals("\uD83D\uDE80", row.get("id"));
      assertEquals("{\"k\":\"\uD83D\uDE80\"}", ((RawRow.Json) row.get("m")).text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"n\":1e400}", "{\"n\":-1e309}", "{\"n\":1%s}", "{\"m\":{\"n\":[1e400]}}", "{\"m\":{\"n\":-1%s}}"})
    void aNumberBeyondTheRangeOfADoubleRejectsTheRow(String template) {
      String record = template.replace("%s", "0".repeat(400));
      RowException e = assertThrows(RowException.class, () -> read(json, record));
      assertEquals(record.contains("\"m\"") ? "m" : "n", e.field());
      assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void largeNumbersWithinRangeAreKept() throws Exception {
      RawRow row = read(json, "{\"a\":1e308,\"b\":1" + "0".repeat(300) + "}");
      assertEquals(1e308, row.get("a"));
      assertEquals(new BigInteger("1" + "0".repeat(300)), row.get("b"));
    }

    @Test
    void structuresNestedTooDeeplyRejectTheRow() throws Exception {
      String deep = "[".repeat(10_000) + "]".repeat(10_000);
      RowException e = assertThrows(RowException.class, () -> read(json, "{\"m\":" + deep + "}"));
      assertEquals("m", e.field());
      String fine = "[".repeat(RowReader.MAX_DEPTH) + "]".repeat(RowReader.MAX_DEPTH);
      assertEquals(fine, ((RawRow.Json) read(json, "{\"m\":" + fine + "}").get("m")).text());
    }

    @Test
    void aRowOf85000KeysIsReadInLinearTime() {
      StringBuilder record = new StringBuilder("{");
      for (int i = 0; i < 85_000; i++) record.append(i == 0 ? "" : ",").append("\"key").append(i).append("\":").append(i);
      String text = record.append('}').toString();
      // Comparing each name with every earlier one took 6.7 s here; linear reading takes milliseconds.
      RawRow row = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> read(json, text));
      assertEquals(85_000, row.size());
      assertEquals(Integer.valueOf(84_999), row.get("key84999"));
    }

    @Test
    void manyFieldsAreAllKept() throws Exception {
      StringBuilder record = new StringBuilder("{");
      for (int i = 0; i < 40; i++) record.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
      RawRow row = read(json, record.append('}').toString());
      assertEquals(40, row.size());
      for (int i = 0; i < 40; i++) assertEquals(Integer.valueOf(i), row.get("k" + i));
    }

    @Test
    void theRowIsResetBeforeEachRecord() throws Exception {
      RawRow row = new RawRow();
      read(json, "{\"a\":1,\"b\":2}", row);
      read(json, "{\"c\":3}", row);
      assertEquals(1, row.size());
      assertFalse(row.has("a"));
      assertFalse(row.has("b"));
      assertEquals(Integer.valueOf(3), row.get("c"));
    }

    @Test
    void onlyTheGivenRangeOfBytesIsRead() throws Exception {
      byte[] bytes = "garbage{\"a\":1}{\"b\":".getBytes(UTF_8);
      RawRow row = new RawRow();
      json.read(bytes, 7, 7, row);
      assertEquals(1, row.size());
      assertEquals(Integer.valueOf(1), row.get("a"));
    }

    @Test
    void anEmptyObjectIsARowWithoutFields() throws Exception {
      assertEquals(0, read(json, "{}").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":}", "{\"a\":1", "not json", "{'a':1}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":NaN}", "{\"a\":01}"})
    void invalidJsonRejectsTheWholeRow(String record) {
      RowException e = assertThrows(RowException.class, () -> read(json, record));
      assertNull(e.field());
      assertTrue(e.getMessage().startsWith("not valid JSON"), e.getMessage());
    }

    @Test
    void dataAfterTheObjectRejectsTheWholeRow() {
      RowException e = assertThrows(RowException.class, () -> read(json, "{\"a\":1} {\"b\":2}"));
      assertNull(e.field());
      assertEquals("unexpected data after the JSON object", e.getMessage());
      RowException garbage = assertThrows(RowException.class, () -> read(json, "{\"a\":1} x"));
      assertNull(garbage.field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"a\":1}]", "5", "\"x\"", "null", "true", "", "   "})
    void aRecordThatIsNotAnObjectIsRejected(String record) {
      RowException e = assertThrows(RowException.class, () -> read(json, record));
      assertNull(e.field());
      assertEquals("row must be a JSON object", e.getMessage());
    }

    @Test
    void jsonHasNoHeader() throws Exception {
      assertFalse(header(json, "{\"a\":1}"));
    }
  }

  @Nested
  class Csv {
    private final RowReader csv = RowReader.csv();

    @Test
    void theFirstRecordIsTheHeaderAndTheNextAreRowsUnderIt() throws Exception {
      assertTrue(header(csv, "contact_id,country,note"));
      assertFalse(header(csv, "c1,FR,hello"));
      RawRow row = read(csv, "c1,FR,hello");
      assertTrue(row.textual());
      assertEquals(3, row.size());
      assertEquals("c1", row.get("contact_id"));
      assertEquals("FR", row.get("country"));
      assertEquals("hello", row.get("note"));
    }

    @Test
    void cellsStayTextEvenWhenTheyLookLikeNumbersOrBooleans() throws Exception {
      header(csv, "a,b,c");
      RawRow row = read(csv, "42,true,007");
      assertEquals("42", row.get("a"));
      assertEquals("true", row.get("b"));
      assertEquals("007", row.get("c"));
    }

    @Test
    void aByteOrderMarkBeforeTheFirstHeaderIsDropped() throws Exception {
      assertTrue(header(csv, concat(BOM, "contact_id,country".getBytes(UTF_8))));
      RawRow row = read(csv, "c1,FR");
      assertEquals("c1", row.get("contact_id"));
      assertEquals("FR", row.get("country"));
    }

    @Test
    void aByteOrderMarkBeforeAQuotedFirstHeaderIsDropped() throws Exception {
      // what R's write.csv and Python's csv.QUOTE_ALL with utf-8-sig produce
      assertTrue(header(csv, concat(BOM, "\"contact_id\",\"country\"".getBytes(UTF_8))));
      RawRow row = read(csv, "\"c1\",\"FR\"");
      assertEquals("c1", row.get("contact_id"));
      assertEquals("FR", row.get("country"));
    }

    @Test
    void headerNamesAreTrimmedAndMayBeQuoted() throws Exception {
      header(csv, " contact_id ,\"country\", note\t");
      RawRow row = read(csv, "c1,FR,x");
      assertEquals("c1", row.get("contact_id"));
      assertEquals("FR", row.get("country"));
      assertEquals("x", row.get("note"));
    }

    @Test
    void quotedCellsKeepCommasQuotesAndLineBreaks() throws Exception {
      header(csv, "a,b,c,d");
      RawRow row = read(csv, "\"x,y\",\"say \"\"hi\"\"\",\"line1\r\nline2\",\"{\"\"k\"\":1}\"");
      assertEquals("x,y", row.get("a"));
      assertEquals("say \"hi\"", row.get("b"));
      assertEquals("line1\r\nline2", row.get("c"));
      assertEquals("{\"k\":1}", row.get("d"));
    }

    @Test
    void emptyCellsAreAbsentFields() throws Exception {
      header(csv, "a,b,c,d");
      RawRow row = read(csv, "1,,\"\",");
      assertEquals(1, row.size());
      assertEquals("1", row.get("a"));
      assertFalse(row.has("b"));
      assertFalse(row.has("c"));
      assertFalse(row.has("d"));
    }

    @Test
    void unquotedCellsKeepTheirSpacesAndInnerQuotes() throws Exception {
      header(csv, "a,b");
      RawRow row = read(csv, " x ,5\" screen");
      assertEquals(" x ", row.get("a"));
      assertEquals("5\" screen", row.get("b"));
    }

    @Test
    void bytesThatAreNotUtf8RejectTheRowNamingTheColumn() throws Exception {
      assertTrue(header(csv, "contact_id,country,city"));
      byte[] bad = concat("u1,\"F,R\",Par".getBytes(UTF_8), new byte[] {(byte) 0xFF, 's'});
      RowException e = assertThrows(RowException.class, () -> csv.read(bad, 0, bad.length, new RawRow()));
      assertEquals("city", e.field());
      assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
      // a surrogate encoded in three bytes is not UTF-8 either
      byte[] surrogate = concat(new byte[] {'u', (byte) 0xED, (byte) 0xA0, (byte) 0x80}, ",FR,x".getBytes(UTF_8));
      assertEquals("contact_id", assertThrows(RowException.class, () -> csv.read(surrogate, 0, surrogate.length, new RawRow())).field());
    }

    @Test
    void aHeaderThatIsNotUtf8OrRepeatsANameRejectsTheBody() {
      MalformedBodyException repeated = assertThrows(MalformedBodyException.class, () -> header(csv, "contact_id,country, contact_id"));
      assertEquals("CSV header: columns 1 and 3 are both named 'contact_id'", repeated.getMessage());
      byte[] bad = {'a', ',', (byte) 0xC3};
      MalformedBodyException utf8 = assertThrows(MalformedBodyException.class, () -> header(RowReader.csv(), bad));
      assertTrue(utf8.getMessage().contains("column 2 is not valid UTF-8"), utf8.getMessage());
    }

    @Test
    void nonAsciiCellsAreDecoded() throws Exception {
      header(csv, "ville,emoji");
      RawRow row = read(csv, "Zürich,\uD83D\uDE80");
      assertEquals("Zürich", row.get("ville"));
      assertEquals("\uD83D\uDE80", row.get("emoji"));
    }

    @Test
    void theRowIsResetBeforeEachRecord() throws Exception {
      header(csv, "a,b");
      RawRow row = new RawRow();
      read(csv, "1,2", row);
      read(csv, "3,", row);
      assertEquals("3", row.get("a"));
      assertFalse(row.has("b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,2", "1,2,3,4", "1", "1,2,3,"})
    void aRowWithAnotherNumberOfFieldsThanTheHeaderIsRejected(String record) throws Exception {
      header(csv, "a,b,c");
      RowException e = assertThrows(RowException.class, () -> read(csv, record));
      assertNull(e.field());
      assertTrue(e.getMessage().contains("the header has 3"), e.getMessage());
    }

    @Test
    void aBrokenQuoteRejectsTheRow() throws Exception {
      header(csv, "a,b");
      RowException open = assertThrows(RowException.class, () -> read(csv, "1,\"abc"));
      assertNull(open.field());
      assertTrue(open.getMessage().contains("not closed"), open.getMessage());
      RowException after = assertThrows(RowException.class, () -> read(csv, "\"a\"b,c"));
      assertNull(after.field());
      assertTrue(after.getMessage().contains("after a quoted field"), after.getMessage());
    }

    @Test
    void aHeaderWithAnUnnamedColumnOrABrokenQuoteMakesTheBodyMalformed() {
      assertTrue(assertThrows(MalformedBodyException.class, () -> header(RowReader.csv(), "a,,c"))
          .getMessage().contains("column 2 has no name"));
      assertThrows(MalformedBodyException.class, () -> header(RowReader.csv(), "a,b,"));
      assertThrows(MalformedBodyException.class, () -> header(RowReader.csv(), "a,\"b"));
      assertThrows(MalformedBodyException.class, () -> header(RowReader.csv(), concat(BOM, new byte[0])));
    }
  }
}
