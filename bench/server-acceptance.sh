#!/usr/bin/env bash
# The job server's acceptance run: starts target/nograd.jar on a fresh data dir and runs the curl session
# of docs/curl-session.md as written (only the port differs) on the full Fashion-MNIST; prints the SSE
# stream, the metrics CSV and the time it took. Usage: bench/server-acceptance.sh [WORKDIR] [PORT]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
port=${2:-8472}
mkdir -p "$work" && cd "$work"
java -jar "$repo/target/nograd.jar" --server.port="$port" --nograd.data-dir="$work/data" > server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for i in $(seq 1 120); do curl -fs "localhost:$port/actuator/health" >/dev/null && break; sleep 1; done
echo "server up after ${i}s"
sed -n '/```bash/,/```/p' "$repo/docs/curl-session.md" | sed '1d;$d' | sed "s/localhost:8080/localhost:$port/g" > session.sh
start=$(date +%s)
bash -euo pipefail session.sh
echo "session ended after $(( $(date +%s) - start ))s"
ls -la adam-fmnist.safetensors
