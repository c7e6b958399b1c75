#!/usr/bin/env bash
# Every solver's acceptance job for a few epochs beside Adam (float32 default and float64) and SGD on the same
# net and batch size: seconds per epoch, last test accuracy and heap, one line per run. Run it on an idle machine.
#   bench/solver-times.sh [logdir]
# ONLY="sibp adam-500" runs those tags only; on a shared machine pin it and fix BLAS's threads, e.g.
#   OPENBLAS_NUM_THREADS=1 taskset -c 0 bench/solver-times.sh
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/solver-times}
mkdir -p "$out"
run() {
  local tag=$1; shift
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $tag "* ]]; then return; fi
  bench/run.sh "$@" > "$out/$tag.log" 2>&1
  echo "$tag: $(grep '^# mean' "$out/$tag.log") | last: $(grep -E '^ +[0-9]+ ' "$out/$tag.log" | tail -1 | awk '{print "testAcc", $5, "s", $6, "heapMB", $8}')"
}
run lpom bench/specs/lpom-fmnist.json epochs=2
run sibp bench/specs/sibp-fmnist.json epochs=2
[ -f bench/specs/proxbp-fmnist.json ] && run proxbp bench/specs/proxbp-fmnist.json epochs=2
run adam-500 bench/specs/adam-fmnist.json epochs=2
run adam64-500 bench/specs/adam-fmnist.json epochs=2 params.precision=float64
run admm bench/specs/admm-fmnist.json epochs=2
run sgd-admmnet bench/specs/sgd-fmnist.json layers=784,500,600,10 batchSize=3000 epochs=2
run adam-admmnet bench/specs/adam-fmnist.json layers=784,500,600,10 batchSize=3000 epochs=2
run dlam bench/specs/dlam-fmnist.json epochs=3
run adam-dlamnet bench/specs/adam-fmnist.json layers=784,500,500,10 epochs=2
run ipdlam bench/specs/ipdlam-fmnist.json epochs=1
run adam-ipdlamnet bench/specs/adam-fmnist.json layers=784,1500,1500,10 batchSize=512 epochs=2
