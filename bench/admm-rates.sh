#!/usr/bin/env bash
# The experiment of the paper's §5.0.2 on Fashion-MNIST: every ρ_i and β_i equal (layerFactor 1), the paper's
# net 784-500-600-10, batch 3000, full training set; epochs until the mean training cross-entropy falls below
# 0.05, or the lowest reached within EPOCHS, for ReLU and DCutLU (0, 1).
#   bench/admm-rates.sh [outdir] [epochs] [rates...]     defaults: /tmp/admm-rates 8 0.05 0.2 0.5
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/admm-rates}
epochs=${2:-8}
shift $(( $# > 2 ? 2 : $# ))
rates=("$@")
[ ${#rates[@]} -eq 0 ] && rates=(0.05 0.2 0.5)
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1
for act in relu dcutlu; do
  for r in "${rates[@]}"; do
    log="$out/$act-$r.log"
    bench/run.sh bench/specs/admm-fmnist.json activation=$act 'activationParams={"lower":0,"upper":1}' epochs="$epochs" \
      params.rho="$r" params.beta="$r" params.layerFactor=1 > "$log" 2>&1
  done
done
printf '%-7s %6s  %-28s  %-22s  %s\n' activation rho=beta "epochs to mean CE < 0.05" "lowest mean train CE" "test acc at that epoch"
for act in relu dcutlu; do
  for r in "${rates[@]}"; do
    grep -E '^ +[0-9]+ ' "$out/$act-$r.log" | awk -v a=$act -v r=$r '
      { if (hit == "" && $2 < 0.05) hit = $1; if (best == "" || $2 < best) { best = $2; be = $1; acc = $5 } }
      END { printf "%-10s %6s  %-28s  %-22s  %s\n", a, r, (hit == "" ? "not within " NR : hit), best " (epoch " be ")", acc }'
  done
done
