package io.nograd.solver;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a solver carries from one epoch into the next beyond the weights (an optimizer's moments, a lifted
 * method's kept auxiliary variables, the previous iterate of an inertial step), as named float64 or float32
 * arrays. The checkpoint stores it beside the weights, so a resumed run continues exactly as an uninterrupted
 * one would. {@link Solver#saveState} puts the solver's own arrays (no copies), {@link Solver#restoreState}
 * takes them back; a state that does not fit the solver (another shape, an older layout) is refused with
 * {@link Mismatch}, and the run then resumes with fresh state, as before there was any.
 */
public final class SolverState {

    private static final int MAGIC = 0x4e475354; // "NGST"
    private static final int VERSION = 1;
    private static final int CHUNK = 1 << 20;

    private final Map<String, Object> arrays = new LinkedHashMap<>();
    /** The names a restore has taken, so that a state with arrays the solver does not know is refused. */
    private final Set<String> taken = new java.util.HashSet<>();

    public void put(String name, double[] values) {
        arrays.put(name, values);
    }

    public void put(String name, float[] values) {
        arrays.put(name, values);
    }

    /** A scalar, stored as a one-element array. */
    public void put(String name, double value) {
        arrays.put(name, new double[] {value});
    }

    public boolean isEmpty() {
        return arrays.isEmpty();
    }

    public Set<String> names() {
        return arrays.keySet();
    }

    /** The float64 array {@code name}, of exactly {@code length} values. */
    public double[] doubles(String name, int length) {
        if (!(arrays.get(name) instanceof double[] d) || d.length != length) throw new Mismatch(name + ": expected " + length + " float64 values");
        taken.add(name);
        return d;
    }

    /** The float32 array {@code name}, of exactly {@code length} values. */
    public float[] floats(String name, int length) {
        if (!(arrays.get(name) instanceof float[] f) || f.length != length) throw new Mismatch(name + ": expected " + length + " float32 values");
        taken.add(name);
        return f;
    }

    /** The scalar {@code name}. */
    public double scalar(String name) {
        return doubles(name, 1)[0];
    }

    /** The float64 array {@code name} copied into {@code into} (its length is the expected one). */
    public void copyInto(String name, double[] into) {
        System.arraycopy(doubles(name, into.length), 0, into, 0, into.length);
    }

    /** Puts each non-null array of a family (one per layer or tensor, made on first use) as {@code prefix/index}. */
    public void putAll(String prefix, double[][] family) {
        for (int i = 0; i < family.length; i++) if (family[i] != null) put(prefix + "/" + i, family[i]);
    }

    public void putAll(String prefix, float[][] family) {
        for (int i = 0; i < family.length; i++) if (family[i] != null) put(prefix + "/" + i, family[i]);
    }

    /** Takes back a family {@link #putAll} put: entry i, where stored, has {@code lengths[i]} values; the others stay null. */
    public void restoreAll(String prefix, double[][] family, int[] lengths) {
        for (int i = 0; i < family.length; i++) family[i] = has(prefix + "/" + i) ? doubles(prefix + "/" + i, lengths[i]) : null;
    }

    public void restoreAll(String prefix, float[][] family, int[] lengths) {
        for (int i = 0; i < family.length; i++) family[i] = has(prefix + "/" + i) ? floats(prefix + "/" + i, lengths[i]) : null;
    }

    /** Values in array {@code name}; −1 when there is none. */
    public int length(String name) {
        Object a = arrays.get(name);
        return a == null ? -1 : a instanceof double[] d ? d.length : ((float[]) a).length;
    }

    public boolean has(String name) {
        return arrays.containsKey(name);
    }

    /** Arrays no restore has taken yet. */
    public Set<String> untaken() {
        Set<String> left = new java.util.LinkedHashSet<>(arrays.keySet());
        left.removeAll(taken);
        return left;
    }

    /** Bytes {@link #writeTo} writes, near enough to decide whether to write them. */
    public long bytes() {
        long n = 0;
        for (Object a : arrays.values()) n += a instanceof double[] d ? 8L * d.length : 4L * ((float[]) a).length;
        return n;
    }

    /** Writes every array, little-endian, through one reused buffer. */
    public void writeTo(OutputStream sink) throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(arrays.size());
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Object> e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            double[] d = e.getValue() instanceof double[] x ? x : null;
            float[] f = d == null ? (float[]) e.getValue() : null;
            int width = d != null ? 8 : 4;
            int length = d != null ? d.length : f.length;
            out.writeByte(width);
            out.writeInt(length);
            for (int from = 0; from < length; from += CHUNK / width) {
                int n = Math.min(CHUNK / width, length - from);
                buf.clear();
                if (d != null) buf.asDoubleBuffer().put(d, from, n);
                else buf.asFloatBuffer().put(f, from, n);
                out.write(buf.array(), 0, n * width);
            }
        }
        out.flush();
    }

    /** Reads what {@link #writeTo} wrote. */
    public static SolverState readFrom(InputStream source) throws IOException {
        DataInputStream in = new DataInputStream(source);
        if (in.readInt() != MAGIC) throw new IOException("not a solver state file");
        int version = in.readInt();
        if (version != VERSION) throw new IOException("solver state version " + version + ", this server reads " + VERSION);
        int count = in.readInt();
        SolverState state = new SolverState();
        byte[] chunk = new byte[CHUNK];
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int width = in.readByte();
            int length = in.readInt();
            if (length < 0 || (width != 8 && width != 4)) throw new IOException("array " + name + " has width " + width + ", length " + length);
            double[] d = width == 8 ? new double[length] : null;
            float[] f = width == 4 ? new float[length] : null;
            for (int from = 0; from < length; from += CHUNK / width) {
                int n = Math.min(CHUNK / width, length - from);
                in.readFully(chunk, 0, n * width);
                buf.clear();
                if (d != null) buf.asDoubleBuffer().get(d, from, n);
                else buf.asFloatBuffer().get(f, from, n);
            }
            state.arrays.put(name, d != null ? d : f);
        }
        if (in.read() != -1) throw new EOFException("solver state file has bytes after its last array");
        return state;
    }

    /** The stored state does not fit this solver. */
    public static final class Mismatch extends RuntimeException {
        public Mismatch(String message) {
            super(message);
        }
    }
}
