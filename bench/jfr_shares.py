#!/usr/bin/env python3
"""Reads `jfr print --json --stack-depth 64 --events jdk.ExecutionSample,jdk.NativeMethodSample` on stdin and prints
the shares of the main thread's samples taken in the solver (the epoch's own time) by where they were taken: the innermost io.nograd frame outside nn (the solver or the job's
evaluation), the nn frame it called, and the kernel (the native method's name, e.g. dgemmK, or "java").
Samples outside io.nograd code (JIT, class loading, data loading) are grouped under their top frame's class."""
import json
import sys
from collections import Counter


def name(frame):
    m = frame["method"]
    cls = m["type"]["name"].replace("/", ".")
    return cls, m["name"]


def main():
    events = json.load(sys.stdin)["recording"]["events"]
    counts = Counter()
    total = 0
    for e in events:
        v = e["values"]
        thread = (v.get("sampledThread") or {}).get("javaName")
        if thread != "main":
            continue
        frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
        if not frames:
            continue
        native = e["type"] == "jdk.NativeMethodSample"
        top_cls, top_m = name(frames[0])
        kernel = top_m.rstrip("K") if native and "netlib" in top_cls else ("native:" + top_m if native else "java")
        # walking outward from the sampled frame: the first io.nograd frame outside nn is the caller we report,
        # the nn frame it called (the last nn frame passed on the way) the seam it went through
        outer = inner = None
        for f in frames:
            cls, meth = name(f)
            if not cls.startswith("io.nograd."):
                continue
            short = cls[len("io.nograd."):] + "." + meth
            if cls.startswith("io.nograd.nn."):
                inner = short
            else:
                outer = short
                break
        if outer is None and inner is None:
            outer = "(outside nograd) " + top_cls.rsplit(".", 1)[-1] + "." + top_m
        where = (outer or "") + (" > " + inner if inner else "")
        counts[(where, kernel)] += 1
        total += 1
    # the epoch's own time: samples under a solver frame; evaluation (jobs.Evaluator), data loading and start-up apart
    train = {k: c for k, c in counts.items() if k[0].startswith("solver.")}
    n_train = sum(train.values())
    print(f"# {total} samples of the main thread (Java and native, 10 ms each); {n_train} in the solver "
          f"({100.0 * n_train / total:.0f}%), the rest evaluation, data loading and start-up")
    print(" share of the solver's samples  where (solver frame > nn frame)                       kernel")
    shown = 0.0
    for (where, kernel), c in sorted(train.items(), key=lambda kv: -kv[1]):
        share = 100.0 * c / n_train
        if share < 1.0:
            break
        shown += share
        print(f"{share:5.1f}%  {where[:80]:80s}  {kernel}")
    print(f"{100 - shown:5.1f}%  (entries under 1% each)")
    by_kernel = Counter()
    for (_, kernel), c in train.items():
        by_kernel[kernel] += c
    print("# solver's samples by kernel: " + ", ".join(f"{k} {100.0 * c / n_train:.1f}%" for k, c in by_kernel.most_common(8)))


if __name__ == "__main__":
    main()
