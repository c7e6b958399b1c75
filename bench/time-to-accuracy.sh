#!/usr/bin/env bash
# Wall time to test accuracy 0.85 and 0.87 on Fashion-MNIST: every solver and Adam, SGD (lr 0.1) and AMSGrad
# on 784-500-10, then the acceptance nets of ADMM, iPDLAM and DLAM beside Adam on the same net and batch.
# Wall time = from the solver's construction to the end of the first epoch whose test accuracy reaches the
# target, evaluation included (bench/run.sh with -Dnograd.bench.targets; dataset loading excluded). A run
# stops once it has both, or at the first epoch end past its time limit: then "never reached" with the
# epochs and seconds it had. Prints a markdown table and the load; logs in LOGDIR. Run it on an idle machine.
#   bench/time-to-accuracy.sh [LOGDIR] [small|acceptance|all]   (LIMIT=seconds per run, default 120; ACCEPT_LIMIT=400)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/time-to-accuracy}
which=${2:-all}
limit=${LIMIT:-120}
accept_limit=${ACCEPT_LIMIT:-400}
mkdir -p "$out"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| job | to 0.85 | to 0.87 | epochs run | best test acc | s/epoch (solver) | load at start |"
echo "|---|---|---|---|---|---|---|"
run() {
  local tag=$1 max=$2; shift 2
  local l; l=$(cut -d' ' -f1 /proc/loadavg)
  JAVA_OPTS="-Xmx8g -Dnograd.bench.targets=0.85,0.87 -Dnograd.bench.max-seconds=$max" bench/run.sh "$@" epochs=1000 > "$out/$tag.log" 2>&1
  python3 - "$out/$tag.log" "$tag" "$l" <<'PY'
import re, sys
log, tag, load = sys.argv[1:]
text = open(log).read()
cell = {}
for t in ("0.85", "0.87"):
    m = re.search(rf"# time to test accuracy {t}: (.*)", text)
    if not m:
        cell[t] = "no result (see log)"
    elif m.group(1).startswith("never"):
        r = re.search(r"\((\d+) epochs, ([\d.]+) s wall\)", m.group(1))
        cell[t] = f"never ({r.group(2)} s)"
    else:
        r = re.match(r"([\d.]+) s wall \(epoch (\d+)\)", m.group(1))
        cell[t] = f"**{r.group(1)} s** (epoch {r.group(2)})"
rows = [l.split() for l in text.splitlines() if re.match(r"^ +\d+ ", l)]
best = max((float(r[4]) for r in rows if r[4] != "-"), default=float("nan"))
secs = sorted(float(r[5]) for r in rows)
med = secs[len(secs) // 2] if secs else float("nan")
print(f"| {tag} | {cell['0.85']} | {cell['0.87']} | {len(rows)} | {best:.4f} | {med:.2f} | {load} |", flush=True)
PY
}
if [ "$which" != acceptance ]; then
  run "adam 784-500-10" "$limit" bench/specs/adam-fmnist.json
  run "amsgrad 784-500-10" "$limit" bench/specs/adam-fmnist.json algorithm=amsgrad
  run "sgd lr 0.1 784-500-10" "$limit" bench/specs/sgd-fmnist.json
  run "lpom 784-500-10 (MSE)" "$limit" bench/specs/lpom-fmnist.json
  run "sibp 784-500-10" "$limit" bench/specs/sibp-fmnist.json
  run "admm 784-500-10, batch 3000" "$limit" bench/specs/admm-fmnist.json layers=784,500,10
  run "ipdlam 784-500-10 (MSE), batch 512" "$limit" bench/specs/ipdlam-fmnist.json layers=784,500,10
  run "dlam 784-500-10, full batch" "$limit" bench/specs/dlam-fmnist.json layers=784,500,10
  [ -f bench/specs/proxbp-fmnist.json ] && run "proxbp 784-500-10" "$limit" bench/specs/proxbp-fmnist.json layers=784,500,10
fi
if [ "$which" != small ]; then
  run "admm 784-500-600-10, batch 3000 (acceptance)" "$accept_limit" bench/specs/admm-fmnist.json
  run "adam 784-500-600-10, batch 3000" "$accept_limit" bench/specs/adam-fmnist.json layers=784,500,600,10 batchSize=3000
  run "ipdlam 784-1500-1500-10 (MSE), batch 512 (acceptance)" "$accept_limit" bench/specs/ipdlam-fmnist.json
  run "adam 784-1500-1500-10, batch 512" "$accept_limit" bench/specs/adam-fmnist.json layers=784,1500,1500,10 batchSize=512
  run "dlam 784-500-500-10, full batch (acceptance)" "$accept_limit" bench/specs/dlam-fmnist.json
  run "adam 784-500-500-10" "$accept_limit" bench/specs/adam-fmnist.json layers=784,500,500,10
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
