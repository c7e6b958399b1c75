#!/usr/bin/env bash
# Sync-parallel vs serial LPOM on an equal-width deep autoencoder (default bench/specs/lpom-autoencoder.json:
# 784-784-784-784-784-784, ReLU, MSE, 10k Fashion-MNIST images, 5 epochs, ν = 0.3):
#   1. serial LPOM on one core (OPENBLAS_NUM_THREADS=1)
#   2. sync-parallel LPOM, 2 solver threads, each single-core (OPENBLAS_NUM_THREADS=1)
#   3. serial LPOM with two-threaded BLAS kernels (OPENBLAS_NUM_THREADS=2)
# and prints the paper's layer speedup (Fig. 4: serial time per epoch / parallel time per epoch, medians),
# run 3 against run 2, and the final training losses. Besides wall time it prints the same ratio from the
# solver's cpuSeconds diagnostic (serial CPU / parallel critical-path CPU): what the runs take on idle cores,
# the figure to trust when other jobs share the machine. SYNC_K1=4 adds a sync run with that many sweeps
# (sync needs more sweeps than serial for the same loss); REPORT_ONLY=1 reprints the report from the logs.
#   bench/lpom-speedup.sh [SPEC] [field=value ...]
set -uo pipefail
cd "$(dirname "$0")/.."
spec=${1:-bench/specs/lpom-autoencoder.json}
shift || true
logs=${LOGS:-/tmp/lpom-speedup}
mkdir -p "$logs"
if [ -z "${REPORT_ONLY:-}" ]; then
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_NUM_THREADS=1 bench/lpom-java.sh "$spec" params.parallel=false "$@" >"$logs/serial-1core.log" 2>&1
  OPENBLAS_NUM_THREADS=1 bench/lpom-java.sh "$spec" params.parallel=true "$@" >"$logs/sync-2threads.log" 2>&1
  OPENBLAS_NUM_THREADS=2 bench/lpom-java.sh "$spec" params.parallel=false "$@" >"$logs/serial-blas2.log" 2>&1
  if [ -n "${SYNC_K1:-}" ]; then
    OPENBLAS_NUM_THREADS=1 bench/lpom-java.sh "$spec" params.parallel=true params.k1="$SYNC_K1" "$@" >"$logs/sync-2threads-k1-$SYNC_K1.log" 2>&1
  fi
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
python3 - "$logs" <<'PY'
import sys, glob, os, statistics
logs = sys.argv[1]
rows = {}
for path in sorted(glob.glob(f"{logs}/*.log")):
    name = os.path.basename(path)[:-4]
    ep = [l.split() for l in open(path) if l[:6].strip().isdigit()]
    if not ep:
        continue
    secs = [float(e[5]) for e in ep]
    cpu = [[float(v) for v in next(f for f in e if f.startswith("cpuSeconds=")).split("=")[1].split(",")] for e in ep]
    rows[name] = dict(wall=statistics.median(secs), work=statistics.median(c[0] for c in cpu),
                      critical=statistics.median(c[1] for c in cpu), loss=float(ep[-1][1]), test=float(ep[-1][3]), n=len(ep))
    r = rows[name]
    print(f"{name:22s} epochs {r['n']}  median wall {r['wall']:7.2f} s  cpu work {r['work']:6.2f} s  critical {r['critical']:6.2f} s  "
          f"final trainLoss {r['loss']:.5f}  testLoss {r['test']:.5f}")
s1, p2 = rows["serial-1core"], rows["sync-2threads"]
print(f"layer speedup, wall (serial on 1 core / sync on 2):            {s1['wall'] / p2['wall']:.2f}x")
print(f"layer speedup, CPU (serial work / sync critical path):         {s1['work'] / p2['critical']:.2f}x")
if "serial-blas2" in rows:
    print(f"serial with 2-thread BLAS / sync on 2 single-core threads, wall: {rows['serial-blas2']['wall'] / p2['wall']:.2f}x (>= 1: sync is no slower)")
print(f"final train loss, sync vs serial: {100 * (p2['loss'] / s1['loss'] - 1):+.2f}%")
for name, r in rows.items():
    if name.startswith("sync-2threads-k1-"):
        print(f"{name}: loss vs serial {100 * (r['loss'] / s1['loss'] - 1):+.2f}%, "
              f"speedup wall {s1['wall'] / r['wall']:.2f}x, CPU {s1['work'] / r['critical']:.2f}x (equal-quality comparison)")
PY
