#!/usr/bin/env bash
# Runs a JobSpec headless and prints per-epoch loss, accuracy and seconds:
#   bench/run.sh bench/specs/adam-fmnist.json [field=value ...]
# Overrides: epochs=3  params.mu=5  layers=784,300,10  trainLimit=10000
# Compiles the project first if needed (no tests, no frontend). JAVA_OPTS adds JVM flags.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/classpath.txt ] || [ pom.xml -nt target/classpath.txt ]; then
  mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null
fi
if [ -z "$(find target/classes -name Bench.class 2>/dev/null)" ] || [ -n "$(find src/main/java -newer target/classes/io/nograd/bench/Bench.class -name '*.java' 2>/dev/null | head -1)" ]; then
  mvn -q -B compile -Dskip.frontend >/dev/null
fi
exec java ${JAVA_OPTS:--Xmx8g} -cp "target/classes:$(cat target/classpath.txt)" io.nograd.bench.Bench "$@"
