#!/usr/bin/env bash
# The LPOM paper's "real speedup" (§6.2.3) of LPOM over Adam on the Fashion-MNIST job of
# bench/specs/lpom-fmnist.json (784-500-10, ReLU, MSE, batch 100): LPOM runs E epochs (default 20) with
# training losses e_1..e_E at cumulative training times t_1..t_E; its "initial stable point" is the first
# epoch j with e_j <= e_E + δ (the paper's δ = 0.05, and a stricter δ = 5% of e_E). Adam (lr 1e-3, the same
# net and MSE loss) then runs until its training loss is <= e_j; real speedup = Adam's time / t_j
# ("> N" when Adam had not got there after its epochs). Times are training seconds only (no evaluation).
#   bench/lpom-realspeedup.sh [E=20] [ADAM_EPOCHS=40]
set -uo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-20}
adam=${2:-40}
logs=${LOGS:-/tmp/lpom-realspeedup}
mkdir -p "$logs"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} bench/lpom-java.sh bench/specs/lpom-fmnist.json epochs="$epochs" >"$logs/lpom.log" 2>&1
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} bench/lpom-java.sh bench/specs/adam-fmnist.json loss=mse layers=784,500,10 \
  epochs="$adam" params.lr=0.001 >"$logs/adam.log" 2>&1
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$logs" <<'PY'
import sys
logs = sys.argv[1]
def read(name):
    rows = [l.split() for l in open(f"{logs}/{name}.log") if l[:6].strip().isdigit()]
    t, out = 0.0, []
    for r in rows:
        t += float(r[5])
        out.append((int(r[0]), float(r[1]), t, float(r[4])))
    return out
lpom, adam = read("lpom"), read("adam")
final = lpom[-1][1]
print(f"LPOM: {len(lpom)} epochs, final train loss {final:.5f}, test acc {lpom[-1][3]:.4f}, {lpom[-1][2]:.1f} s training")
print(f"Adam: {len(adam)} epochs, final train loss {adam[-1][1]:.5f}, test acc {adam[-1][3]:.4f}, {adam[-1][2]:.1f} s training")
for label, bound in (("paper's delta = 0.05", final + 0.05), ("delta = 5% of e_E", final * 1.05)):
    j = next(r for r in lpom if r[1] <= bound)
    k = next((r for r in adam if r[1] <= j[1]), None)
    if k is None:
        print(f"{label}: LPOM stable at epoch {j[0]} (loss {j[1]:.5f}, {j[2]:.1f} s); Adam never reached it in {adam[-1][2]:.1f} s: real speedup > {adam[-1][2] / j[2]:.2f}x")
    else:
        print(f"{label}: LPOM stable at epoch {j[0]} (loss {j[1]:.5f}, {j[2]:.1f} s); Adam reached it at epoch {k[0]} ({k[2]:.1f} s): real speedup {k[2] / j[2]:.2f}x")
PY
