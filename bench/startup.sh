#!/usr/bin/env bash
# Alternating single-node start-ups of two jars, each as the README runs it (java -jar, no settings but a port
# and a fresh data dir, so H2 and every migration start from nothing):
#  - start-up: wall time from launch to /actuator/health answering UP,
#  - cpu: the JVM's user+sys CPU time at that moment (/proc/PID/stat); every thread counts (JIT, GC), so it
#    is much less sensitive than the wall time to other processes competing for the cores,
#  - classes: classes loaded at that moment (jcmd PerfCounter.print),
#  - heap: heap used after a full GC 3 s later (jcmd GC.run, GC.heap_info),
#  - load: the 1-minute load average when the run ended (the machine may be shared).
# ROUNDS=N (default 3) sets the number of old/new pairs; a mean of each column closes the output.
set -u
old=${1:?usage: bench/startup.sh OLD.jar NEW.jar}; new=${2:?usage: bench/startup.sh OLD.jar NEW.jar}
rounds=${ROUNDS:-3}
tick=$(getconf CLK_TCK)
results=$(mktemp)
for round in $(seq 1 "$rounds"); do
  for which in old new; do
    jar=$old; [ $which = new ] && jar=$new
    dir=$(mktemp -d); port=$((21000 + RANDOM % 5000))
    t0=$(date +%s.%N)
    java -jar "$jar" --server.port=$port --nograd.data-dir="$dir" > "$dir/log" 2>&1 &
    pid=$!
    until curl -sf "localhost:$port/actuator/health" 2>/dev/null | grep -q UP; do
      kill -0 $pid 2>/dev/null || { echo "$which round $round: the server exited; its log:"; cat "$dir/log"; exit 1; }
      sleep 0.05
    done
    t1=$(date +%s.%N)
    cpu=$(awk -v t="$tick" '{printf "%.2f", ($14 + $15) / t}' /proc/$pid/stat)
    classes=$(jcmd $pid PerfCounter.print 2>/dev/null | grep -E '^java.cls.loadedClasses=' | cut -d= -f2)
    sleep 2; jcmd $pid GC.run >/dev/null 2>&1; sleep 1
    used=$(jcmd $pid GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
    wall=$(echo "$t1 - $t0" | bc)
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "$which $wall $cpu $classes $used" >> "$results"
    echo "$which round $round: start-up $wall s, cpu $cpu s, classes $classes, heap used after GC ${used}K, load $load"
    kill $pid; wait $pid 2>/dev/null; rm -rf "$dir"
  done
done
awk '{n[$1]++; w[$1]+=$2; c[$1]+=$3; k[$1]+=$4; h[$1]+=$5}
     END {for (j in n) printf "%s mean of %d: start-up %.2f s, cpu %.2f s, classes %.0f, heap %.1f MiB\n", j, n[j], w[j]/n[j], c[j]/n[j], k[j]/n[j], h[j]/n[j]/1024;
          printf "new/old: start-up %+.1f%%, cpu %+.1f%%, classes %+.1f%%, heap %+.1f%%\n", 100*(w["new"]/w["old"]-1), 100*(c["new"]/c["old"]-1), 100*(k["new"]/k["old"]-1), 100*(h["new"]/h["old"]-1)}' "$results"
rm -f "$results"
