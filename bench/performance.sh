#!/usr/bin/env bash
# The idle-machine measurements behind bench/results/performance.md, in priority order, each into its own
# file under OUT (so a run cut short keeps what it finished):
#   1. thread budget through the server (bench/thread_budget.py)
#   2. every solver's epoch time and heap beside Adam, this tree (bench/solver-times.sh)
#   3. the same for BEFORE (a checkout of the commit before the performance work, compiled; optional)
#   4. Adam and SGD against PyTorch at 1 and 2 intra-op threads (bench/pytorch_train.py)
#   5. time to test accuracy on 784-500-10 (bench/time-to-accuracy.sh small)
#   6. time to test accuracy on the acceptance nets (bench/time-to-accuracy.sh acceptance)
#   7. thread budget pairs with BEFORE's jar (no budget: both jobs on multi-threaded BLAS)
# Needs target/nograd.jar (mvn -B package -DskipTests) and compiled classes. Run on an idle machine.
#   bench/performance.sh OUT [BEFORE_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/performance.sh OUT [BEFORE_DIR]}
before=${2:-}
mkdir -p "$out"
stamp() { echo "== $(date -u +%H:%M:%S) $1, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/progress.log"; }
stamp "thread budget"
python3 bench/thread_budget.py > "$out/1-thread-budget.md" 2> "$out/1-thread-budget.err"
stamp "solver times (this tree)"
bench/solver-times.sh "$out/2-solver-times-logs" > "$out/2-solver-times.txt" 2>&1
if [ -n "$before" ]; then
  stamp "solver times (before)"
  (cd "$before" && bench/solver-times.sh "$out/3-solver-times-before-logs") > "$out/3-solver-times-before.txt" 2>&1
fi
stamp "PyTorch baselines"
for spec in adam-fmnist sgd-fmnist; do
  bench/run.sh "bench/specs/$spec.json" epochs=5 > "$out/4-$spec-nograd.txt" 2>&1
  for t in 1 2; do
    TORCH_THREADS=$t /usr/bin/python3 bench/pytorch_train.py "bench/specs/$spec.json" epochs=5 > "$out/4-$spec-torch$t.txt" 2>&1
  done
done
stamp "time to accuracy, 784-500-10"
LIMIT=${LIMIT:-45} bench/time-to-accuracy.sh "$out/5-tta-logs" small > "$out/5-time-to-accuracy.md" 2>&1
stamp "time to accuracy, acceptance nets"
ACCEPT_LIMIT=${ACCEPT_LIMIT:-150} bench/time-to-accuracy.sh "$out/6-tta-logs" acceptance > "$out/6-time-to-accuracy-acceptance.md" 2>&1
if [ -n "$before" ] && [ -f "$before/target/nograd.jar" ]; then
  stamp "thread budget pairs, before's jar"
  python3 bench/thread_budget.py --jar "$before/target/nograd.jar" --only pairs > "$out/7-thread-budget-before.md" 2>&1
fi
stamp "done"
