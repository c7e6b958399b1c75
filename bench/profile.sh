#!/usr/bin/env bash
# Where a job's time goes: bench/run.sh under JFR (Java and native method samples, both every 10 ms), then the
# samples of the training thread grouped by the innermost nograd frame of each stack (solver > nn) and the
# kernel it ran (the BLAS routine for native samples, "java" otherwise). Single-threaded BLAS, so every product
# runs on the sampled thread.
#   bench/profile.sh OUT.jfr bench/specs/sibp-fmnist.json [field=value ...]
# Pin it yourself (taskset -c 0 bench/profile.sh ...) on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1; shift
jh=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
jfc=$(mktemp --suffix=.jfc)
trap 'rm -f "$jfc"' EXIT
sed 's|<setting name="period" control="method-sampling-native-interval">20 ms</setting>|<setting name="period" control="method-sampling-native-interval">10 ms</setting>|' \
  "$jh/lib/jfr/profile.jfc" > "$jfc"
OPENBLAS_NUM_THREADS=1 JAVA_OPTS="-Xmx8g -XX:StartFlightRecording=filename=$out,settings=$jfc" bench/run.sh "$@"
jfr print --json --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample "$out" | python3 "$(dirname "$0")/jfr_shares.py"
