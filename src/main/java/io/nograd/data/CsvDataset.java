package io.nograd.data;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * Parses an uploaded CSV: a header row, numeric features, one label column (any strings; classes are the
 * distinct labels in sorted order). Features are scaled column-wise to [0, 1] by the training split's
 * min and max. A bad row is a {@link DatasetException} naming its line; nothing is returned half-loaded.
 * <p>
 * RFC 4180 through Jackson's CSV module: quoted fields (with commas, doubled quotes or line breaks inside)
 * work, and a UTF-8 byte-order mark is dropped. The size caps are enforced by {@link Bounded} on the
 * characters before the parser sees them, so one huge line or row costs no more than the cap.
 */
public final class CsvDataset {

    public static final int MAX_ROWS = 1_000_000;
    public static final int MAX_FEATURES = 100_000;
    /** Characters one line may have: read with this bound before it is split, so one huge line costs no more. */
    public static final int MAX_LINE_CHARS = 4 << 20;
    /** Feature values one upload may hold (4 bytes each in memory, twice while it is split into train and test). */
    public static final long MAX_VALUES = 50_000_000;

    /** Every record as a String[] of its cells, quotes removed. */
    private static final ObjectReader ROWS = CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY).build().readerFor(String[].class);

    private CsvDataset() {
    }

    /**
     * @param labelColumn header name of the label column, or null for the last column
     * @param testFraction share of rows (after a seeded shuffle) held out as the test split, in [0, 0.9]
     */
    public static Dataset parse(String name, Reader source, String labelColumn, double testFraction, long seed) throws IOException {
        if (!(testFraction >= 0 && testFraction <= 0.9)) throw new DatasetException("testFraction must be in [0, 0.9], got " + testFraction);
        try (MappingIterator<String[]> in = ROWS.readValues(new Bounded(source, MAX_FEATURES + 1))) {
            return parse(name, in, labelColumn, testFraction, seed);
        } catch (JacksonIOException e) {
            // The upload's reader failed (not UTF-8, connection lost): the caller maps those IOExceptions.
            throw e.getCause() != null ? e.getCause() : new IOException(e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            long line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new DatasetException((line > 0 ? "line " + line + ": " : "") + "not valid CSV: " + e.getOriginalMessage());
        }
    }

    private static Dataset parse(String name, MappingIterator<String[]> in, String labelColumn, double testFraction, long seed) {
        String[] names = in.hasNextValue() ? in.nextValue() : null;
        if (names == null || blank(names)) throw new DatasetException("line 1: the CSV is empty; expected a header row");
        if (names.length < 2) throw new DatasetException("line 1: the header has " + names.length + " column(s); need at least one feature and a label");
        int label = names.length - 1;
        if (labelColumn != null && !labelColumn.isBlank()) {
            label = -1;
            for (int i = 0; i < names.length; i++) if (names[i].trim().equals(labelColumn)) label = i;
            if (label < 0) throw new DatasetException("labelColumn '" + labelColumn + "' is not in the header " + List.of(names));
        }
        int features = names.length - 1;
        if (features > MAX_FEATURES) throw new DatasetException("line 1: " + features + " features is more than the " + MAX_FEATURES + " allowed");
        List<float[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        while (true) {
            long lineNo = in.currentLocation().getLineNr();
            if (!in.hasNextValue()) break;
            String[] cells = in.nextValue();
            if (blank(cells)) continue;
            if (cells.length != names.length) {
                throw new DatasetException("line " + lineNo + ": has " + cells.length + " columns, the header has " + names.length);
            }
            float[] row = new float[features];
            for (int c = 0, f = 0; c < cells.length; c++) {
                if (c == label) continue;
                String cell = cells[c].trim();
                try {
                    double v = Double.parseDouble(cell);
                    if (!Double.isFinite(v)) throw new NumberFormatException();
                    row[f++] = (float) v;
                } catch (NumberFormatException e) {
                    throw new DatasetException("line " + lineNo + ", column '" + names[c].trim() + "': '" + cell + "' is not a finite number");
                }
            }
            String lab = cells[label].trim();
            if (lab.isEmpty()) throw new DatasetException("line " + lineNo + ": the label column '" + names[label].trim() + "' is empty");
            rows.add(row);
            labels.add(lab);
            if (rows.size() > MAX_ROWS) throw new DatasetException("line " + lineNo + ": more than " + MAX_ROWS + " rows");
            if ((long) rows.size() * features > MAX_VALUES) {
                throw new DatasetException("line " + lineNo + ": more than " + MAX_VALUES + " feature values (rows × features); upload fewer rows or columns");
            }
        }
        if (rows.size() < 2) throw new DatasetException("the CSV has " + rows.size() + " data row(s); need at least 2");
        TreeMap<String, Integer> classIndex = new TreeMap<>();
        for (String l : labels) classIndex.putIfAbsent(l, 0);
        if (classIndex.size() < 2) throw new DatasetException("the label column has a single class; need at least 2");
        int k = 0;
        for (var e : classIndex.entrySet()) e.setValue(k++);

        int n = rows.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        int test = (int) Math.round(n * testFraction);
        if (testFraction > 0 && test == 0) test = 1;
        int train = n - test;
        float[] min = new float[features];
        float[] max = new float[features];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < train; i++) {
            float[] r = rows.get(order[i]);
            for (int f = 0; f < features; f++) { min[f] = Math.min(min[f], r[f]); max[f] = Math.max(max[f], r[f]); }
        }
        float[] trainX = new float[train * features];
        float[] testX = new float[test * features];
        int[] trainY = new int[train];
        int[] testY = new int[test];
        for (int i = 0; i < n; i++) {
            int src = order[i];
            float[] r = rows.get(src);
            boolean isTrain = i < train;
            float[] dst = isTrain ? trainX : testX;
            int row = isTrain ? i : i - train;
            for (int f = 0; f < features; f++) {
                float range = max[f] - min[f];
                dst[row * features + f] = range > 0 ? (r[f] - min[f]) / range : 0f;
            }
            (isTrain ? trainY : testY)[row] = classIndex.get(labels.get(src));
        }
        return new Dataset(name, features, classIndex.size(), trainX, trainY, testX, testY);
    }

    /** A blank line: one empty cell. */
    private static boolean blank(String[] cells) {
        return cells.length == 1 && cells[0].isBlank();
    }

    /**
     * The upload's characters on their way to the parser, with the caps checked first: a record (a line, or
     * several when a quoted cell holds line breaks) of at most {@link #MAX_LINE_CHARS} characters and
     * {@code maxColumns} cells (commas inside quotes do not count), the header's count once the header has
     * passed. A leading byte-order mark is dropped.
     */
    static final class Bounded extends Reader {
        private final Reader in;
        private int maxColumns;
        private boolean first = true;
        private boolean header = true;
        private boolean quoted;
        private int columns = 1;
        private long recordChars;
        private long line = 1;
        private long recordLine = 1;

        Bounded(Reader in, int maxColumns) {
            this.in = in;
            this.maxColumns = maxColumns;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n <= 0) return n;
            if (first) {
                first = false;
                if (buf[off] == '\uFEFF') {
                    System.arraycopy(buf, off + 1, buf, off, n - 1);
                    if (--n == 0) return read(buf, off, len);
                }
            }
            for (int i = off; i < off + n; i++) {
                char c = buf[i];
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == ',' && !quoted && ++columns > maxColumns) {
                    throw new DatasetException("line " + recordLine + ": more than " + maxColumns + " columns"
                            + (header ? " (at most " + MAX_FEATURES + " features and a label)" : ", the header's count"));
                }
                if (c == '\n') {
                    line++;
                    if (!quoted) {
                        if (header) {
                            header = false;
                            maxColumns = columns;
                        }
                        columns = 1;
                        recordChars = 0;
                        recordLine = line;
                        continue;
                    }
                }
                if (++recordChars > MAX_LINE_CHARS) {
                    throw new DatasetException("line " + recordLine + ": longer than " + MAX_LINE_CHARS + " characters");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
