#!/usr/bin/env bash
# GEMM GFLOP/s at the jobs' shapes: nograd's native path (netlib JNI → OpenBLAS) and ojalgo's own multiply,
# against OpenBLAS called directly from NumPy (Debian python3-numpy, which links the same libblas.so.3),
# all float64, and the ratio native/OpenBLAS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/classpath.txt ] || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
mvn -q -B compile -Dskip.frontend >/dev/null
java -cp "target/classes:$(cat target/classpath.txt)" io.nograd.bench.GemmBench 2>/dev/null | tee /tmp/nograd-gemm.txt
/usr/bin/python3 - <<'PY'
import time, numpy as np
shapes = [(500,100,784,0,0),(500,784,100,0,1),(784,100,500,1,0),(1500,512,1500,0,0),(2048,100,2048,0,0),(2000,2000,2000,0,0)]
java = {}
for line in open("/tmp/nograd-gemm.txt"):
    p = line.split()
    if p and p[0].isdigit():
        java[tuple(int(x) for x in p[:5])] = float(p[5])
print("# OpenBLAS through NumPy, float64; ratio = nograd native / OpenBLAS")
print("    m     n     k  tA tB  openblas  ratio")
for m, n, k, ta, tb in shapes:
    a = np.random.rand(k, m).T if ta else np.random.rand(m, k)
    b = np.random.rand(n, k).T if tb else np.random.rand(k, n)
    a = np.asfortranarray(a.T).T if ta else np.asfortranarray(a)
    b = np.asfortranarray(b.T).T if tb else np.asfortranarray(b)
    c = np.empty((m, n), order="F")
    flops = 2.0 * m * n * k
    reps = int(max(3, min(200, 2e9 / flops)))
    best = 1e9
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - t) / reps)
    g = flops / best / 1e9
    print(f"{m:5d} {n:5d} {k:5d}  {ta}  {tb}  {g:8.1f}  {java.get((m,n,k,ta,tb), float('nan')) / g:5.2f}")
PY
