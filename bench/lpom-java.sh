#!/usr/bin/env bash
# Runs io.nograd.bench.Bench like bench/run.sh, but from a snapshot of target/classes taken at start, so
# long LPOM benches are not disturbed by a recompilation while they run:
#   bench/lpom-java.sh SPEC.json [field=value ...]
# MNIST is read from $MNIST_DIR (default /usr/local/share/datasets/mnist; see DESIGN.md §9 for fetching it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/classpath.txt ] || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
mvn -q -B -o compile -Dskip.frontend >/dev/null
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
cp -r target/classes "$snap/"
java ${JAVA_OPTS:--Xmx6g} -Dnograd.datasets.mnist-dir="${MNIST_DIR:-/usr/local/share/datasets/mnist}" \
  -cp "$snap/classes:$(cat target/classpath.txt)" io.nograd.bench.Bench "$@"
