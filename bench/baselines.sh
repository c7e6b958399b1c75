#!/usr/bin/env bash
# The training core's acceptance figures in one run: Adam and SGD on Fashion-MNIST 784-500-10 and Adam on
# MNIST 784-300-100-10, 5 epochs each, in nograd and in PyTorch (Debian python3-torch, float32) on the same
# data, then the ratio of mean epoch seconds. Run on an otherwise idle machine: the ratio is the figure.
#   bench/baselines.sh [epochs]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-5}
command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c 'import torch' 2>/dev/null \
  || { echo "installing python3-torch for the PyTorch side"; apt-get install -y -qq python3-torch >/dev/null; }
out=$(mktemp -d)
for spec in adam-fmnist sgd-fmnist adam-mnist; do
  echo "== $spec: nograd"
  bench/run.sh "bench/specs/$spec.json" epochs="$epochs" 2>/dev/null | grep -v '^\S*INFO' | tee "$out/$spec.java"
  echo "== $spec: pytorch"
  # intra-op threads 1: OpenBLAS (pthreads, 2 cores) does the GEMMs; 2 OpenMP threads on top of it
  # spin against OpenBLAS's and were 5-50x slower here
  TORCH_THREADS=${TORCH_THREADS:-1} /usr/bin/python3 bench/pytorch_train.py "bench/specs/$spec.json" epochs="$epochs" | tee "$out/$spec.torch"
done
echo "== summary (mean seconds per epoch, training only; final test accuracy)"
for spec in adam-fmnist sgd-fmnist adam-mnist; do
  j=$(grep '^# mean epoch' "$out/$spec.java" | awk '{print $4}')
  t=$(grep '^# mean epoch' "$out/$spec.torch" | awk '{print $4}')
  ja=$(grep -E '^ +[0-9]+ ' "$out/$spec.java" | tail -1 | awk '{print $5}')
  ta=$(grep -E '^ +[0-9]+ ' "$out/$spec.torch" | tail -1 | awk '{print $5}')
  printf '%-12s nograd %6ss acc %s   pytorch %6ss acc %s   ratio %s\n' "$spec" "$j" "$ja" "$t" "$ta" \
    "$(awk -v a="$j" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
done
