package io.nograd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvDatasetTest {

    private static Dataset parse(String csv, String label, double testFraction) throws IOException {
        return CsvDataset.parse("t", new StringReader(csv), label, testFraction, 1);
    }

    @Test
    void parsesScalesAndSplits() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 20; i++) sb.append(i).append(',').append(i * 2 - 5).append(',').append(i % 2 == 0 ? "cat" : "dog").append('\n');
        Dataset d = parse(sb.toString(), null, 0.25);
        assertEquals(2, d.features());
        assertEquals(2, d.classes());
        assertEquals(15, d.trainSize());
        assertEquals(5, d.testSize());
        for (float v : d.trainX()) assertTrue(v >= 0 && v <= 1, "train features are scaled to [0, 1]");
    }

    @Test
    void theLabelColumnCanBeNamed() throws IOException {
        Dataset d = parse("y,x1,x2\n1,0.5,2\n0,0.25,3\n1,1,4\n", "y", 0);
        assertEquals(2, d.features());
        assertEquals(3, d.trainSize());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "a,b,label\\n1,2,x\\n1,oops,y\\n|line 3, column 'b': 'oops' is not a finite number",
            "a,b,label\\n1,2,x\\n1,2\\n|line 3: has 2 columns, the header has 3",
            "a,b,label\\n1,2,x\\n1,NaN,y\\n|line 3, column 'b'",
            "a,b,label\\n1,2,x\\n3,4,\\n|line 3: the label column",
            "a,b,label\\n1,2,x\\n3,4,x\\n|a single class",
            "a,b,label\\n1,2,x\\n|need at least 2",
            "|the CSV is empty",
            "label\\n1\\n2\\n|need at least one feature"})
    void aBadFileNamesItsLineAndLoadsNothing(String csv, String expected) {
        String msg = assertThrows(DatasetException.class, () -> parse(csv == null ? "" : csv.replace("\\n", "\n"), null, 0.2)).getMessage();
        assertTrue(msg.contains(expected), msg);
    }

    @Test
    void anUnknownLabelColumnIsNamed() {
        String msg = assertThrows(DatasetException.class, () -> parse("a,b\n1,2\n", "nope", 0)).getMessage();
        assertTrue(msg.contains("labelColumn 'nope'"), msg);
    }

    /** An endless stream of {@code unit}: what a client could send if nothing bounded a line. */
    private static java.io.Reader endless(String unit) {
        return endless("", unit);
    }

    /** {@code prefix}, then {@code unit} forever. */
    private static java.io.Reader endless(String prefix, String unit) {
        return new java.io.Reader() {
            private long at;

            @Override
            public int read(char[] buf, int off, int len) {
                for (int i = 0; i < len; i++, at++) {
                    buf[off + i] = at < prefix.length() ? prefix.charAt((int) at) : unit.charAt((int) ((at - prefix.length()) % unit.length()));
                }
                return len;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void anEndlessLineIsRefusedAtTheLineBoundBeforeAnySplit() {
        DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.parse("t", endless("a"), null, 0.2, 1));
        assertTrue(e.getMessage().contains("longer than " + CsvDataset.MAX_LINE_CHARS), e.getMessage());
    }

    @Test
    void anEndlessRowOfCellsIsRefusedAtTheHeadersColumnCount() {
        DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.parse("t", endless("a,b,label\n", "1,"), null, 0.2, 1));
        assertTrue(e.getMessage().startsWith("line 2: more than 3 columns"), e.getMessage());
    }

    @Test
    void anEndlessHeaderIsRefusedAtTheFeatureBound() {
        DatasetException e = assertThrows(DatasetException.class, () -> CsvDataset.parse("t", endless("a,"), null, 0.2, 1));
        assertTrue(e.getMessage().contains("more than " + (CsvDataset.MAX_FEATURES + 1) + " columns"), e.getMessage());
    }

    @Test
    void quotedFieldsAByteOrderMarkAndCrlfWork() throws IOException {
        String csv = "\uFEFF\"x, first\",\"x2\",\"label\"\r\n"
                + "\"1.5\",2,\"a, with comma\"\r\n"
                + "3,\"4\",\"the \"\"b\"\" class\"\r\n"
                + "\r\n"
                + "5,6,\"two\nlines\"\r\n"
                + "7,8,\"a, with comma\"\r\n";
        Dataset d = parse(csv, "label", 0);   // a quoted header is named without its quotes
        assertEquals(2, d.features(), "the BOM is not part of the first header");
        assertEquals(3, d.classes());
        assertEquals(4, d.trainSize());
    }

    @Test
    void theLineOfABadRowCountsQuotedLineBreaks() {
        String csv = "a,b,label\n1,2,\"x\ny\"\n3,oops,z\n";
        String msg = assertThrows(DatasetException.class, () -> parse(csv, null, 0)).getMessage();
        assertTrue(msg.contains("line 4, column 'b': 'oops'"), msg);
    }

    @Test
    void anUnclosedQuoteIsABadFileNotACrash() {
        String msg = assertThrows(DatasetException.class, () -> parse("a,b,label\n1,2,x\n3,\"4,y\n", null, 0)).getMessage();
        assertTrue(msg.contains("not valid CSV") && msg.contains("quote"), msg);
    }

    @Test
    void capsHoldBeforeParsingAndCommasInQuotesAreNotColumns() throws IOException {
        String wide = "a,b,label\n1,2,x,4\n3,4,y\n";
        String msg = assertThrows(DatasetException.class, () -> parse(wide, null, 0)).getMessage();
        assertTrue(msg.contains("line 2: more than 3 columns, the header's count"), msg);
        String longLine = "a,b,label\n1," + "1".repeat(CsvDataset.MAX_LINE_CHARS) + ",x\n";
        msg = assertThrows(DatasetException.class, () -> parse(longLine, null, 0)).getMessage();
        assertTrue(msg.contains("line 2: longer than " + CsvDataset.MAX_LINE_CHARS), msg);
        assertEquals(2, parse("a,b,label\n1,2,\"x,y,z\"\n3,4,w\n", null, 0).trainSize(), "a comma inside quotes is no column");
    }

    @Test
    void aReaderFailureStaysAnIoException() {
        // Not UTF-8: the upload's strict decoder fails inside the parser; the controller maps that IOException to a 400.
        byte[] latin1 = {'a', ',', 'l', '\n', '1', ',', 'c', 'a', 'f', (byte) 0xe9, '\n', '2', ',', 'y', '\n'};
        var reader = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(latin1), java.nio.charset.StandardCharsets.UTF_8.newDecoder());
        assertThrows(java.nio.charset.CharacterCodingException.class, () -> CsvDataset.parse("t", reader, null, 0, 1));
    }
}
