#!/usr/bin/env bash
# alternating single-node start-ups: time to /actuator/health UP, and heap used after start (jcmd GC.heap_info)
set -u
old=${1:?usage: bench/startup.sh OLD.jar NEW.jar}; new=${2:?usage: bench/startup.sh OLD.jar NEW.jar}
for round in 1 2 3; do
  for which in old new; do
    jar=$old; [ $which = new ] && jar=$new
    dir=$(mktemp -d); port=$((21000 + RANDOM % 5000))
    t0=$(date +%s.%N)
    java -jar $jar --server.port=$port --nograd.data-dir=$dir > $dir/log 2>&1 &
    pid=$!
    until curl -sf localhost:$port/actuator/health >/dev/null 2>&1; do sleep 0.05; done
    t1=$(date +%s.%N)
    sleep 2; jcmd $pid GC.run >/dev/null 2>&1; sleep 1
    used=$(jcmd $pid GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
    echo "$which round $round: start-up $(echo "$t1 - $t0" | bc) s, heap used after GC ${used}K, load $(cut -d' ' -f1 /proc/loadavg)"
    kill $pid; wait $pid 2>/dev/null; rm -rf $dir
  done
done
