package io.nograd.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Parses an uploaded CSV: a header row, numeric features, one label column (any strings; classes are the
 * distinct labels in sorted order). Features are scaled column-wise to [0, 1] by the training split's
 * min and max. A bad row is a {@link DatasetException} naming its line; nothing is returned half-loaded.
 */
public final class CsvDataset {

    public static final int MAX_ROWS = 1_000_000;
    public static final int MAX_FEATURES = 100_000;
    /** Characters one line may have: read with this bound before it is split, so one huge line costs no more. */
    public static final int MAX_LINE_CHARS = 4 << 20;
    /** Feature values one upload may hold (4 bytes each in memory, twice while it is split into train and test). */
    public static final long MAX_VALUES = 50_000_000;

    private CsvDataset() {
    }

    /**
     * @param labelColumn header name of the label column, or null for the last column
     * @param testFraction share of rows (after a seeded shuffle) held out as the test split, in [0, 0.9]
     */
    public static Dataset parse(String name, Reader source, String labelColumn, double testFraction, long seed) throws IOException {
        if (!(testFraction >= 0 && testFraction <= 0.9)) throw new DatasetException("testFraction must be in [0, 0.9], got " + testFraction);
        Lines in = new Lines(source, MAX_FEATURES + 1);
        String header = in.next(1);
        if (header == null || header.isBlank()) throw new DatasetException("line 1: the CSV is empty; expected a header row");
        String[] names = split(header);
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
        String line;
        int lineNo = 1;
        in.maxColumns = names.length;
        while ((line = in.next(lineNo + 1)) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] cells = split(line);
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

    /**
     * Lines of at most {@link #MAX_LINE_CHARS} characters and {@code maxColumns} comma-separated cells, both
     * checked while the line is read, before anything is split or parsed.
     */
    static final class Lines {
        private final BufferedReader in;
        private final StringBuilder line = new StringBuilder();
        int maxColumns;

        Lines(Reader source, int maxColumns) {
            this.in = new BufferedReader(source, 1 << 16);
            this.maxColumns = maxColumns;
        }

        /** The next line without its terminator, or null at the end. */
        String next(int lineNo) throws IOException {
            line.setLength(0);
            int columns = 1;
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') return stripCr();
                if (c == ',' && ++columns > maxColumns) {
                    throw new DatasetException("line " + lineNo + ": more than " + maxColumns + " columns"
                            + (lineNo == 1 ? " (at most " + MAX_FEATURES + " features and a label)" : ", the header's count"));
                }
                if (line.length() >= MAX_LINE_CHARS) {
                    throw new DatasetException("line " + lineNo + ": longer than " + MAX_LINE_CHARS + " characters");
                }
                line.append((char) c);
            }
            return line.length() == 0 ? null : stripCr();
        }

        private String stripCr() {
            int n = line.length();
            return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
        }
    }

    private static String[] split(String line) {
        return line.split(",", -1);
    }
}
