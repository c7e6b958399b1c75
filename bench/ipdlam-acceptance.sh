#!/usr/bin/env bash
# issue 8, iPDLAM half: the paper's net 784-1500-1500-10 on Fashion-MNIST, ReLU, MSE, batch 512, 10 epochs:
# iPDLAM's defaults, the plain-am preset (α = β = γ = δ = 0; formerly dlam-bcd), the kept-z/a mode (the prototype's drift), and
# Adam on the same net, one after the other, printing each run's per-epoch lines.
#   bench/ipdlam-acceptance.sh [run ...]   runs: ipdlam dlam kept adam (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
runs=("$@")
[ ${#runs[@]} -eq 0 ] && runs=(ipdlam dlam kept adam)
for run in "${runs[@]}"; do
  case "$run" in
    ipdlam) args=(bench/specs/ipdlam-fmnist.json) ;;
    dlam)   args=(bench/specs/ipdlam-fmnist.json params.preset=plain-am) ;;
    kept)   args=(bench/specs/ipdlam-fmnist.json params.mode=minibatch-kept) ;;
    adam)   args=(bench/specs/adam-fmnist.json layers=784,1500,1500,10 batchSize=512 epochs=10) ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
  echo "== $run"; bench/run.sh "${args[@]}" 2>&1 | grep -v ' INFO '
done
