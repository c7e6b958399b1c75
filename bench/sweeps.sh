#!/usr/bin/env bash
# Sweep benchmarks: starts target/nograd.jar (build it with `mvn -B package -DskipTests`) on a fresh data dir
# with one job at a time and runs bench/sweeps.py prune|overhead against it.
# Usage: [JAR=path] bench/sweeps.sh prune|overhead [PORT]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
what=${1:?prune or overhead}
port=${2:-8473}
work=$(mktemp -d)
java -Xmx4g -jar "${JAR:-$repo/target/nograd.jar}" --server.port="$port" --nograd.data-dir="$work/data" --nograd.jobs.queue-capacity=100 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for i in $(seq 1 120); do curl -fs "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) (machine shared with other work)"
python3 "$repo/bench/sweeps.py" "http://localhost:$port" "$what"
