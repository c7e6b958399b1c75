#!/usr/bin/env bash
# The shape of the LPOM paper's Table 6 on Fashion-MNIST: test accuracy of serial LPOM, 784-400-200-100-50-10,
# MSE, batch 100, for six activations × μ ∈ {2, 5, 10, 20, 50, 100}, beside Adam on the same net.
#   bench/lpom-table6.sh [EPOCHS=2] [TRAIN_LIMIT=0 (whole set)]
# Prints one markdown table; "NaN" marks a cell whose training diverged. Logs go to ${LOGS:-/tmp/lpom-table6}.
set -uo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
limit=${2:-0}
logs=${LOGS:-/tmp/lpom-table6}
mkdir -p "$logs"
extra=()
[ "$limit" -gt 0 ] && extra+=("trainLimit=$limit")
run() { # log, then bench args; prints the last epoch's test accuracy or NaN
  local log=$1; shift
  OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} bench/lpom-java.sh "$@" epochs="$epochs" layers=784,400,200,100,50,10 "${extra[@]}" >"$log" 2>&1
  local acc
  acc=$(awk '/^ +[0-9]+ /{a=$5} END{print a}' "$log")
  if [ -z "$acc" ] || grep -q "diverged" "$log"; then echo NaN; else echo "$acc"; fi
}
acts=(sigmoid tanh relu leaky-relu elu softplus)
mus=(2 5 10 20 50 100)
echo "Fashion-MNIST, 784-400-200-100-50-10, MSE, batch 100, $epochs epoch(s), trainLimit ${limit/#0/all}: test accuracy"
echo
printf "| μ |"; for a in "${acts[@]}"; do printf " %s |" "$a"; done; echo
printf "|---|"; for a in "${acts[@]}"; do printf -- "---|"; done; echo
for mu in "${mus[@]}"; do
  printf "| %s |" "$mu"
  for a in "${acts[@]}"; do
    printf " %s |" "$(run "$logs/lpom-$a-mu$mu.log" bench/specs/lpom-fmnist.json activation="$a" params.mu="$mu")"
  done
  echo
done
echo
printf "| Adam (lr 1e-3, cross-entropy) |"
for a in "${acts[@]}"; do
  printf " %s |" "$(run "$logs/adam-$a.log" bench/specs/adam-fmnist.json activation="$a" params.lr=0.001)"
done
echo
