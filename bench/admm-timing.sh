#!/usr/bin/env bash
# Seconds per mini-batch of SGD, Adam and ADMM (ReLU, DCutLU) on 784-500-600-10, batch 3000, as the paper's
# Table 3: thread CPU time (robust to other jobs on the machine) and wall time, mean and std over N batches.
#   bench/admm-timing.sh [N]      (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -B test-compile -Dskip.frontend >/dev/null
if [ ! -f target/classpath.txt ] || [ pom.xml -nt target/classpath.txt ]; then
  mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
fi
export OPENBLAS_NUM_THREADS=1
exec java -Xmx4g -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" io.nograd.solver.admm.AdmmTiming "$@" 2>&1 \
  | grep -v 'INFO\|InstanceBuilder'
