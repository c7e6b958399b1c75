#!/usr/bin/env bash
# Sync-parallel vs serial LPOM on an equal-width deep autoencoder (default bench/specs/lpom-autoencoder.json:
# 784-784-784-784-784-784, ReLU, MSE, 10k Fashion-MNIST images, 5 epochs, ν = 0.3):
#   1. serial LPOM on one core (OPENBLAS_NUM_THREADS=1)
#   2. sync-parallel LPOM, 2 solver threads, each single-core (OPENBLAS_NUM_THREADS=1)
#   3. serial LPOM with two-threaded BLAS kernels (OPENBLAS_NUM_THREADS=2)
# and prints the paper's layer speedup (Fig. 4: serial time per epoch / parallel time per epoch, medians),
# run 3 against run 2, and the final training losses.
#   bench/lpom-speedup.sh [SPEC] [field=value ...]
set -uo pipefail
cd "$(dirname "$0")/.."
spec=${1:-bench/specs/lpom-autoencoder.json}
shift || true
logs=${LOGS:-/tmp/lpom-speedup}
mkdir -p "$logs"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=1 bench/lpom-java.sh "$spec" params.parallel=false "$@" >"$logs/serial-1core.log" 2>&1
OPENBLAS_NUM_THREADS=1 bench/lpom-java.sh "$spec" params.parallel=true "$@" >"$logs/sync-2threads.log" 2>&1
OPENBLAS_NUM_THREADS=2 bench/lpom-java.sh "$spec" params.parallel=false "$@" >"$logs/serial-blas2.log" 2>&1
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$logs" <<'PY'
import sys, statistics
logs = sys.argv[1]
rows = {}
for name in ("serial-1core", "sync-2threads", "serial-blas2"):
    ep = [l.split() for l in open(f"{logs}/{name}.log") if l[:6].strip().isdigit()]
    secs = [float(e[5]) for e in ep]
    rows[name] = (statistics.median(secs), float(ep[-1][1]), float(ep[-1][3]), secs)
    print(f"{name:14s} median epoch {rows[name][0]:7.2f} s  epochs {' '.join(f'{s:.1f}' for s in secs)}  final trainLoss {rows[name][1]:.5f}  testLoss {rows[name][2]:.5f}")
s1, p2, s2 = rows["serial-1core"], rows["sync-2threads"], rows["serial-blas2"]
print(f"layer speedup (serial on 1 core / sync on 2): {s1[0] / p2[0]:.2f}x")
print(f"sync on 2 single-core threads vs serial with 2-thread BLAS: {s2[0] / p2[0]:.2f}x (>= 1 means sync is no slower)")
print(f"final train loss, sync vs serial: {100 * (p2[1] / s1[1] - 1):+.2f}%")
PY
