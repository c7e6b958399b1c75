#!/usr/bin/env bash
# Issue 7's acceptance runs: ADMM on the paper's net 784-500-600-10 (full Fashion-MNIST, batch 3000, 10 epochs,
# default parameters) with ReLU and with DCutLU (0, 1), then SGD and Adam on the same net and batch size for
# two epochs, to set seconds per mini-batch side by side (the paper's Table 3). One BLAS thread each.
#   bench/admm-acceptance.sh [outdir]     (default /tmp/admm-acceptance; one log per run)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/admm-acceptance}
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
bench/run.sh bench/specs/admm-fmnist.json > "$out/admm-relu.log" 2>&1
bench/run.sh bench/specs/admm-fmnist.json activation=dcutlu 'activationParams={"lower":0,"upper":1}' > "$out/admm-dcutlu.log" 2>&1
bench/run.sh bench/specs/sgd-fmnist.json layers=784,500,600,10 batchSize=3000 epochs=2 params.lr=0.3 > "$out/sgd.log" 2>&1
bench/run.sh bench/specs/adam-fmnist.json layers=784,500,600,10 batchSize=3000 epochs=2 > "$out/adam.log" 2>&1
for f in "$out"/*.log; do
  echo "== $f"
  grep -v 'INFO\|InstanceBuilder' "$f" | awk '/^epoch/ {print; next} /^ *[0-9]+ / {printf "%s   s/batch %.3f\n", $0, $6/20; next} {print}'
done
