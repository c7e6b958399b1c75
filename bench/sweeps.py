#!/usr/bin/env python3
"""Sweep benchmarks against a running nograd server (standard-library Python).

  sweeps.py BASE prune     the same 24-cell SGD grid (lr x batch size) on Fashion-MNIST, unpruned, with the
                           median rule and with ASHA: epochs trained, wall time, and the best cell of each
  sweeps.py BASE overhead  50 tiny jobs as one sweep, and the same 50 posted one by one: wall time of each

Prints markdown tables; the figures in bench/results/sweeps.md come from here.
"""
import json
import sys
import time
import urllib.request

BASE = sys.argv[1].rstrip("/")


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


def await_sweep(sid):
    while True:
        s = call("GET", f"/sweeps/{sid}")
        if s["status"] != "RUNNING":
            return s
        time.sleep(0.5)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def prune():
    base = {"algorithm": "sgd", "dataset": "fashion-mnist", "layers": [784, 64, 10], "activation": "relu", "loss": "cross-entropy",
            "epochs": 9, "trainLimit": 6000, "params": {"lr": 0.1}}
    grid = {"params.lr": [0.003, 0.01, 0.03, 0.1, 0.3, 0.6], "batchSize": [16, 32, 64, 128]}
    rules = [("none", None), ("median, warmup 1", {"rule": "median", "warmup": 1, "minPeers": 3}),
             ("median, warmup 2", {"rule": "median", "warmup": 2, "minPeers": 3}),
             ("asha", {"rule": "asha", "reduction": 3, "minEpochs": 1})]
    print(f"grid: {json.dumps(grid)}; base: {json.dumps(base)}; seeds [1]; shuffle 1; maxConcurrent 1")
    print()
    print("| pruning | cells SUCCEEDED / PRUNED | epochs trained | saved vs unpruned | wall time | best cell (final testAccuracy) | load before → after |")
    print("|---|---|---:|---:|---:|---|---|")
    ref = None
    for name, rule in rules:
        req = {"name": f"fmnist sgd lr x batch ({name})", "base": base, "grid": grid, "seeds": [1], "maxConcurrent": 1, "shuffle": 1}
        if rule:
            req["prune"] = rule
        l0 = load()
        t0 = time.time()
        s = call("POST", "/sweeps", req)
        s = await_sweep(s["id"])
        wall = time.time() - t0
        p = s["progress"]
        done = [c for c in s["cells"] if c["status"] == "SUCCEEDED"]
        best = max(done, key=lambda c: c["final"])
        coords = {k: v for k, v in best["coordinates"].items() if k != "seed"}
        if ref is None:
            ref = (p["epochsDone"], best)
        saved = 1 - p["epochsDone"] / ref[0]
        same = "same cell" if best["coordinates"] == ref[1]["coordinates"] else f"Δ {100 * (best['final'] - ref[1]['final']):+.2f} points"
        print(f"| {name} | {p['succeeded']} / {p['pruned']} | {p['epochsDone']} of {p['epochsPlanned']} | {100 * saved:.1f}% | {wall:.0f} s "
              f"| {json.dumps(coords)} {best['final']:.4f} ({same}) | {l0} → {load()} |")
        sys.stdout.flush()
        if name != "none":
            pruned = [c for c in s["cells"] if c["status"] == "PRUNED"]
            for c in pruned[:2]:
                print(f"|  | e.g. cell {c['index']}: {c['pruned']['reason']} | | | | | |")
        if name == "none":
            table = urllib.request.urlopen(BASE + f"/sweeps/{s['id']}/table?rows=params.lr&cols=batchSize&format=md").read().decode()
            unpruned_table = table
    print()
    print("Unpruned grid, final test accuracy (GET /sweeps/{id}/table?rows=params.lr&cols=batchSize&format=md):")
    print()
    print(unpruned_table)


def span(jobs):
    """Server time from the first job's creation to the last one's end: no client polling in the figure."""
    def t(s):
        return time.mktime(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) + float("0." + (s[20:].rstrip("Z") or "0"))
    return max(t(j["finishedAt"]) for j in jobs) - min(t(j["createdAt"]) for j in jobs)


def wait_jobs(query, n):
    while True:
        page = call("GET", f"/jobs?{query}&limit=500")
        jobs = page["jobs"]
        if len(jobs) >= n and all(j["status"] not in ("QUEUED", "RUNNING") for j in jobs):
            return jobs
        time.sleep(1)


def overhead(n=50, rounds=3):
    base = {"algorithm": "adam", "dataset": "spirals", "layers": [2, 16, 2], "activation": "tanh", "epochs": 2, "trainLimit": 200,
            "batchSize": 32, "params": {"lr": 0.01}}
    seeds = list(range(1, n + 1))
    print(f"{n} jobs: {json.dumps(base)} with seeds 1..{n}; {rounds} rounds, alternating; server time from the first")
    print("job's createdAt to the last one's finishedAt (the client polls once a second and is not in the figure)")
    print()
    print("| round | one by one (POST /jobs x 50) | sweep, default maxConcurrent (concurrency + 1) | sweep, maxConcurrent 4 | load before → after |")
    print("|---|---:|---:|---:|---|")
    totals = [0.0, 0.0, 0.0]
    for r in range(rounds):
        l0 = load()
        name = f"single-{r}"
        for s in seeds:
            call("POST", "/jobs", dict(base, seed=s, name=name))
        while True:
            singles = [j for j in call("GET", "/jobs?limit=500")["jobs"] if j["name"] == name]
            if len(singles) == n and all(j["status"] not in ("QUEUED", "RUNNING") for j in singles):
                break
            time.sleep(1)
        times = [span(singles)]
        for mc in (None, 4):
            req = {"name": f"overhead {r} {mc}", "base": base, "grid": {"params.lr": [0.01]}, "seeds": seeds}
            if mc:
                req["maxConcurrent"] = mc
            sid = call("POST", "/sweeps", req)["id"]
            times.append(span(wait_jobs(f"sweep={sid}", n)))
        for k in range(3):
            totals[k] += times[k]
        print(f"| {r + 1} | {times[0]:.2f} s | {times[1]:.2f} s ({100 * (times[1] / times[0] - 1):+.1f}%) | {times[2]:.2f} s ({100 * (times[2] / times[0] - 1):+.1f}%) | {l0} → {load()} |")
        sys.stdout.flush()
    print(f"| total | {totals[0]:.2f} s | {totals[1]:.2f} s ({100 * (totals[1] / totals[0] - 1):+.1f}%) | {totals[2]:.2f} s ({100 * (totals[2] / totals[0] - 1):+.1f}%) | |")


{"prune": prune, "overhead": overhead}[sys.argv[2]]()
