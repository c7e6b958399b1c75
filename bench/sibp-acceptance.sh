#!/usr/bin/env bash
# The acceptance figures of issue 6 (SIBP), each from bench/run.sh, one after the other:
#   1. Fashion-MNIST 784-500-10 ReLU CE batch 100, defaults, 10 epochs: SIBP, then Adam (lr 1e-3) on the same job
#   2. Table 2's stability: 5 epochs per cell, SIBP with a constant eta (Algorithm 1 as printed), eta x lambda in {0.1,1,10} x {0.01,1,100}; SGD lr in {0.01,0.1,1,10}
#   3. Section 5.4's small sample: trainLimit 2000, 784-1000-10, 20 epochs: SIBP and Adam
# Usage: nohup bench/sibp-acceptance.sh [part...] > sibp-acceptance.log 2>&1 &   (parts: first grid small; default all)
# Prints every epoch line, then a summary line per run: "== <label> final test <acc> best <acc> mean epoch <s>".
set -uo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=(first grid small)

run() {
  local label="$1"; shift
  echo "### $label: bench/run.sh $*"
  local out; out="$(bench/run.sh "$@" 2>&1 | grep -v -e 'INFO' -e 'InstanceBuilder')"
  echo "$out"
  local final; final="$(echo "$out" | awk '/^ *[0-9]+ /{acc=$5} END{print acc}')"
  local summary; summary="$(echo "$out" | sed -n 's/^# mean epoch \([0-9.]*\) s.*best test accuracy \(.*\)$/\1 \2/p')"
  echo "== $label final test ${final:-NaN} best ${summary#* } mean epoch ${summary%% *} s"
}

for part in "${parts[@]}"; do
  case "$part" in
    first)
      run "sibp defaults 10 epochs" bench/specs/sibp-fmnist.json epochs=10
      run "adam lr 1e-3 10 epochs" bench/specs/adam-fmnist.json epochs=10 ;;
    grid)
      for eta in 0.1 1 10; do for lambda in 0.01 1 100; do
        run "sibp eta $eta lambda $lambda 5 epochs" bench/specs/sibp-fmnist.json epochs=5 params.eta=$eta params.lambda=$lambda params.etaSchedule=constant
      done; done
      for lr in 0.01 0.1 1 10; do
        run "sgd lr $lr 5 epochs" bench/specs/sgd-fmnist.json epochs=5 params.lr=$lr
      done ;;
    small)
      run "sibp small-sample 784-1000-10 20 epochs" bench/specs/sibp-fmnist.json epochs=20 trainLimit=2000 layers=784,1000,10
      run "adam small-sample 784-1000-10 20 epochs" bench/specs/adam-fmnist.json epochs=20 trainLimit=2000 layers=784,1000,10 ;;
    *) echo "unknown part $part (first, grid, small)" >&2; exit 2 ;;
  esac
done
