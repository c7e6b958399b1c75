#!/usr/bin/env python3
"""The per-job thread budget, measured through the server (bench/results/performance.md). Run it on an idle machine.

  python3 bench/thread_budget.py [--jar target/nograd.jar] [--only pairs|lpom] [--epochs-scale 1]

1. Two Fashion-MNIST jobs (a pair of Adam 784-500-10 jobs, then a pair of LPOM 784-500-10 jobs): on a server
   with nograd.jobs.concurrency=1 they run one after the other, on one with concurrency=2 at once (each with
   cores/2 threads). Prints the wall time from the first POST to the last job's end, the epochs per second
   (throughput), the ratio concurrent/sequential (>= 1: running them at once is no slower), and the live BLAS
   thread count seen in GET /actuator/info while they ran.
2. Parallel against serial LPOM through the server (concurrency 1): the 784x6 autoencoder of
   bench/specs/lpom-autoencoder.json, params.parallel true/false, each job's wall time and median epoch seconds.
Each server is a fresh `java -jar` on a temporary data dir; the machine's load is printed before and after.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b'null')


def load():
    return open('/proc/loadavg').read().split()[:3]


class Server:
    def __init__(self, jar, concurrency):
        self.dir = tempfile.mkdtemp(prefix='nograd-budget-')
        self.port = free_port()
        self.base = f'http://127.0.0.1:{self.port}'
        self.log = open(os.path.join(self.dir, 'server.log'), 'w')
        self.proc = subprocess.Popen(['java', '-Xmx8g', '-jar', jar, f'--server.port={self.port}', f'--nograd.data-dir={self.dir}/data',
                                      f'--nograd.jobs.concurrency={concurrency}', '--nograd.jobs.queue-capacity=10'],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(240):
            try:
                if call(self.base, 'GET', '/actuator/health')['status'] == 'UP':
                    return
            except Exception:
                pass
            time.sleep(0.5)
        raise RuntimeError('server did not start; see ' + self.log.name)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(60)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_jobs(self, specs):
        """Submits all specs at once; polls until every job has ended. Returns (wall seconds, jobs, live BLAS counts seen while running)."""
        t0 = time.time()
        ids = [call(self.base, 'POST', '/jobs', s)['id'] for s in specs]
        seen = set()
        while True:
            jobs = [call(self.base, 'GET', f'/jobs/{i}') for i in ids]
            if any(j['status'] == 'RUNNING' and j['epochsDone'] >= 1 for j in jobs):
                seen.add(call(self.base, 'GET', '/actuator/info')['nograd']['blasThreads']['live'])
            if all(j['status'] in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED') for j in jobs):
                break
            time.sleep(0.2)
        wall = time.time() - t0
        for j in jobs:
            if j['status'] != 'SUCCEEDED':
                raise RuntimeError(f"job {j['id']} ended {j['status']}: {j.get('error')}")
        return wall, jobs, sorted(seen)


def spec(name, epochs, **over):
    with open(os.path.join(ROOT, 'bench', 'specs', name)) as f:
        s = json.load(f)
    s['epochs'] = epochs
    for k, v in over.items():
        if k.startswith('params_'):
            s.setdefault('params', {})[k[7:]] = v
        else:
            s[k] = v
    return s


def epoch_seconds(base, job):
    rows = call(base, 'GET', f"/jobs/{job['id']}/metrics")
    rows = rows if isinstance(rows, list) else rows.get('epochs', rows.get('rows', []))
    return [r['seconds'] for r in rows]


def pairs(jar, scale):
    print('## two Fashion-MNIST jobs: one after the other (concurrency 1) vs at once (concurrency 2)')
    print('| jobs | concurrency | wall s (first POST to last end) | epochs/s | live BLAS threads while running | load before |')
    print('|---|---|---|---|---|---|')
    for label, s in (('2 × Adam 784-500-10, %d epochs' % (4 * scale), spec('adam-fmnist.json', 4 * scale)),
                     ('2 × LPOM 784-500-10, %d epochs' % (2 * scale), spec('lpom-fmnist.json', 2 * scale))):
        walls = {}
        for c in (1, 2):
            server = Server(jar, c)
            try:
                before = load()
                wall, jobs, seen = server.run_jobs([s, s])
                walls[c] = wall
                print(f"| {label} | {c} | {wall:.1f} | {2 * s['epochs'] / wall:.3f} | {seen} | {' '.join(before)} |", flush=True)
            finally:
                server.stop()
        print(f"| {label} | throughput at once / one after the other | **{walls[1] / walls[2]:.2f}×** | | | |", flush=True)


def lpom(jar, scale):
    print('## parallel vs serial LPOM through the server (concurrency 1, 784x6 autoencoder, 10k images)')
    print('| solver | job wall s | median epoch s | live BLAS threads while running | load before |')
    print('|---|---|---|---|---|')
    server = Server(jar, 1)
    try:
        walls = {}
        for parallel in (False, True):
            before = load()
            wall, jobs, seen = server.run_jobs([spec('lpom-autoencoder.json', 2 * scale, params_parallel=parallel)])
            secs = epoch_seconds(server.base, jobs[0])
            walls[parallel] = wall
            print(f"| {'parallel (2 layer threads)' if parallel else 'serial'} | {wall:.1f} | {statistics.median(secs):.2f} | {seen} | {' '.join(before)} |",
                  flush=True)
        print(f"| serial / parallel wall | **{walls[False] / walls[True]:.2f}×** | | | |")
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--jar', default=os.path.join(ROOT, 'target', 'nograd.jar'))
    ap.add_argument('--only', choices=['pairs', 'lpom'])
    ap.add_argument('--epochs-scale', type=int, default=1)
    a = ap.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, load {' '.join(load())}, jar {a.jar}")
    if a.only in (None, 'pairs'):
        pairs(a.jar, a.epochs_scale)
    if a.only in (None, 'lpom'):
        lpom(a.jar, a.epochs_scale)
    print(f"# load after: {' '.join(load())}")


if __name__ == '__main__':
    sys.exit(main())
