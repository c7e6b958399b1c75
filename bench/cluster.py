#!/usr/bin/env python3
"""Cluster measurements on this machine (bench/results/cluster.md): nograd node JVMs on loopback and a
throw-away PostgreSQL (Debian's binaries, initdb + pg_ctl into a temp dir, as the postgres user).

  python3 bench/cluster.py [--jar target/nograd.jar] [--before-jar OLD.jar] [--skip-throughput]

Prints: dispatch latency (POST on one node to RUNNING, from the job's createdAt/startedAt), cross-node
event latency (the same epoch's SSE event on a node that does not run the job minus on the one that
does), failover (kill -9 of the running node to RUNNING elsewhere), throughput of 24 small jobs on 1, 2
and 3 nodes, PostgreSQL's rate for the per-epoch transaction (pgbench), and single-node start-up time and
idle heap of --jar and --before-jar. Needs target/nograd.jar (mvn -B package -DskipTests).
"""
import argparse, glob, http.client, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request, urllib.error

PG_BIN = max(glob.glob('/usr/lib/postgresql/*/bin'), key=lambda p: int(p.split('/')[-2]))
ROOT = os.getuid() == 0


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def as_pg(cmd):
    return (['runuser', '-u', 'postgres', '--'] if ROOT else []) + cmd


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='nograd-bench-pg-')
        self.port = free_port()
        if ROOT:
            shutil.chown(self.dir, 'postgres', 'postgres')
        run = lambda c: subprocess.run(as_pg(c), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run([PG_BIN + '/initdb', '-D', self.dir + '/data', '-U', 'postgres', '--auth=trust', '-E', 'UTF8'])
        run([PG_BIN + '/pg_ctl', '-D', self.dir + '/data', '-l', self.dir + '/pg.log', '-w', '-o',
             f'-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} -c max_connections=200', 'start'])
        self.n = 0

    def database(self):
        self.n += 1
        name = f'bench{self.n}'
        subprocess.run(as_pg([PG_BIN + '/psql', '-h', '127.0.0.1', '-p', str(self.port), '-U', 'postgres', '-qc', f'CREATE DATABASE {name}']),
                       check=True, stdout=subprocess.DEVNULL)
        return name, f'jdbc:postgresql://127.0.0.1:{self.port}/{name}'

    def stop(self):
        subprocess.run(as_pg([PG_BIN + '/pg_ctl', '-D', self.dir + '/data', '-m', 'immediate', 'stop']), stdout=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


def call(base, method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b'null')


class Node:
    def __init__(self, name, jar, workdir):
        self.name, self.jar, self.http, self.hz = name, jar, free_port(), free_port()
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.base = f'http://127.0.0.1:{self.http}'
        self.proc = None

    def start(self, url=None, hz_ports=(), extra=()):
        args = ['java', '-Xmx384m', '-jar', self.jar, f'--server.port={self.http}', f'--nograd.data-dir={self.dir}/data',
                '--spring.main.banner-mode=off', '--nograd.jobs.queue-capacity=100']
        if url:
            args += [f'--spring.datasource.url={url}', '--spring.datasource.username=postgres', '--nograd.cluster.enabled=true',
                     '--nograd.cluster.members=' + ','.join(f'127.0.0.1:{p}' for p in hz_ports), f'--nograd.cluster.port={self.hz}',
                     '--nograd.cluster.bind-address=127.0.0.1', f'--nograd.cluster.node-name={self.name}',
                     '--nograd.cluster.failure-timeout=4s', '--nograd.cluster.poll-interval=250ms']
        env = dict(os.environ, OPENBLAS_NUM_THREADS='1')
        self.started = time.monotonic()
        self.proc = subprocess.Popen(args + list(extra), cwd=self.dir, env=env, stdout=open(self.dir + '/server.log', 'a'),
                                     stderr=subprocess.STDOUT)

    def wait_up(self):
        while True:
            if self.proc.poll() is not None:
                sys.exit(f'{self.name} exited; see {self.dir}/server.log')
            try:
                call(self.base, 'GET', '/actuator/health')
                return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def small(i):
    return {'name': f'small {i}', 'algorithm': 'adam', 'dataset': 'blobs', 'layers': [20, 32, 4], 'epochs': 3,
            'batchSize': 32, 'trainLimit': 400, 'seed': i, 'params': {'lr': 0.01}}


def slow(i, epochs):
    return {'name': f'slow {i}', 'algorithm': 'adam', 'dataset': 'blobs', 'layers': [20, 256, 256, 4], 'epochs': epochs,
            'batchSize': 8, 'trainLimit': 800, 'seed': i, 'params': {'lr': 0.001}}


def await_final(base, ids, timeout=600):
    end = time.monotonic() + timeout
    for i in ids:
        while call(base, 'GET', f'/jobs/{i}')['status'] not in ('SUCCEEDED', 'FAILED', 'CANCELLED'):
            if time.monotonic() > end:
                sys.exit('timeout')
            time.sleep(0.05)


def iso(t):
    from datetime import datetime
    return datetime.fromisoformat(t.replace('Z', '+00:00')).timestamp()


def cluster(jar, pg, n, workdir):
    _, url = pg.database()
    nodes = [Node(f'node{i + 1}', jar, workdir) for i in range(n)]
    ports = [x.hz for x in nodes]
    nodes[0].start(url, ports)
    nodes[0].wait_up()
    for x in nodes[1:]:
        x.start(url, ports)
    for x in nodes:
        x.wait_up()
    while len(call(nodes[0].base, 'GET', '/cluster')['members']) < n:
        time.sleep(0.1)
    return nodes


def sse(base, job, arrivals):
    c = http.client.HTTPConnection('127.0.0.1', int(base.rsplit(':', 1)[1]), timeout=120)
    c.request('GET', f'/jobs/{job}/events', headers={'Accept': 'text/event-stream'})
    r = c.getresponse()
    event = None
    for raw in r:
        line = raw.decode().strip()
        if line.startswith('event:'):
            event = line[6:].strip()
        elif line.startswith('data:'):
            d = json.loads(line[5:])
            if event == 'epoch' or d.get('type') == 'epoch':
                arrivals[d['epoch']] = time.monotonic()
            elif d.get('status') in ('SUCCEEDED', 'FAILED', 'CANCELLED'):
                return


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--jar', default='target/nograd.jar')
    ap.add_argument('--before-jar')
    ap.add_argument('--skip-throughput', action='store_true')
    a = ap.parse_args()
    a.jar = os.path.abspath(a.jar)
    a.before_jar = a.before_jar and os.path.abspath(a.before_jar)
    print('load average at start:', os.getloadavg())
    workdir = tempfile.mkdtemp(prefix='nograd-bench-cluster-')
    pg = Postgres()
    nodes = []
    try:
        nodes = cluster(a.jar, pg, 3, workdir)
        n1 = nodes[0].base
        # dispatch latency on an idle cluster, jobs posted to node1 one at a time
        lat, elsewhere = [], 0
        for i in range(12):
            j = call(n1, 'POST', '/jobs', small(i))
            await_final(n1, [j['id']])
            j = call(n1, 'GET', f"/jobs/{j['id']}")
            lat.append(iso(j['startedAt']) - iso(j['createdAt']))
            elsewhere += j['node'] != 'node1'
        print(f'dispatch latency (POST to RUNNING, idle 3-node cluster, 12 jobs): median {statistics.median(lat) * 1000:.0f} ms, '
              f'max {max(lat) * 1000:.0f} ms; {elsewhere} of 12 ran on another node than the one posted to')
        # cross-node event latency
        j = call(n1, 'POST', '/jobs', slow(1, 12))['id']
        while call(n1, 'GET', f'/jobs/{j}')['status'] != 'RUNNING':
            time.sleep(0.02)
        runner = call(n1, 'GET', f'/jobs/{j}')['node']
        local = next(x for x in nodes if x.name == runner)
        remote = next(x for x in nodes if x.name != runner)
        at_local, at_remote = {}, {}
        ts = [threading.Thread(target=sse, args=(local.base, j, at_local)), threading.Thread(target=sse, args=(remote.base, j, at_remote))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        first = min(at_remote)
        live = [e for e in at_local if e in at_remote and e > first + 1]
        d = [(at_remote[e] - at_local[e]) * 1000 for e in live]
        print(f'cross-node event latency (SSE on {remote.name} minus SSE on {runner}, {len(d)} live epochs): '
              f'median {statistics.median(d):.1f} ms, max {max(d):.1f} ms')
        # failover
        j = call(n1, 'POST', '/jobs', slow(2, 20))['id']
        while call(n1, 'GET', f'/jobs/{j}')['epochsDone'] < 2:
            time.sleep(0.02)
        runner = call(n1, 'GET', f'/jobs/{j}')['node']
        victim = next(x for x in nodes if x.name == runner)
        survivor = next(x for x in nodes if x.name != runner)
        t0 = time.monotonic()
        victim.kill()
        while True:
            s = call(survivor.base, 'GET', f'/jobs/{j}')
            if s['attempt'] >= 2 and s['status'] == 'RUNNING':
                break
            time.sleep(0.02)
        print(f'failover (kill -9 of {runner} to RUNNING on {s["node"]}, attempt 2): {time.monotonic() - t0:.2f} s')
        await_final(survivor.base, [j])
        eps = [r['epoch'] for r in call(survivor.base, 'GET', f'/jobs/{j}/metrics')]
        print(f'  after failover: {call(survivor.base, "GET", f"/jobs/{j}")["status"]}, epochs 1..20 exactly once: {eps == list(range(1, 21))}')
        for x in nodes:
            x.kill()
        # per-epoch transaction rate of PostgreSQL (the capacity model's input)
        for kb in (8, 900):
            name, _ = pg.database()
            psql = as_pg([PG_BIN + '/psql', '-h', '127.0.0.1', '-p', str(pg.port), '-U', 'postgres', '-d', name, '-qc'])
            subprocess.run(psql + ['CREATE TABLE jobs (id int primary key, attempt int, epochs_done int); '
                                   'CREATE TABLE epochs (job_id int, epoch int, loss float8, primary key (job_id, epoch)); '
                                   'CREATE TABLE checkpoints (job_id int primary key, epoch int, bytes bytea); '
                                   'INSERT INTO jobs SELECT g, 1, 0 FROM generate_series(1, 64) g; '
                                   f"INSERT INTO checkpoints SELECT g, 0, decode(repeat('ab', {kb * 1024}), 'hex') FROM generate_series(1, 64) g;"],
                           check=True, stdout=subprocess.DEVNULL)
            script = os.path.join(pg.dir, f'epoch{kb}.sql')
            with open(script, 'w') as f:
                f.write(f"""\\set j random(1, 64)
BEGIN;
SELECT attempt FROM jobs WHERE id = :j FOR UPDATE;
UPDATE checkpoints SET epoch = epoch + 1, bytes = decode(repeat(md5(random()::text), {kb * 1024 // 16}), 'hex') || '' WHERE job_id = :j;
UPDATE jobs SET epochs_done = epochs_done + 1 WHERE id = :j AND attempt = 1;
INSERT INTO epochs SELECT :j, epochs_done, random() FROM jobs WHERE id = :j;
COMMIT;
""")
            if ROOT:
                shutil.chown(script, 'postgres', 'postgres')
            out = subprocess.run(as_pg([PG_BIN + '/pgbench', '-h', '127.0.0.1', '-p', str(pg.port), '-U', 'postgres', '-n', '-c', '4',
                                        '-j', '2', '-T', '10', '-f', script, name]), capture_output=True, text=True)
            tps = [l for l in out.stdout.splitlines() if l.startswith('tps')]
            print(f'PostgreSQL per-epoch transaction (fenced update + row + {kb} KB checkpoint, 4 clients, fsync on): {tps[0] if tps else out.stderr[-300:]}')
        # throughput of small jobs on 1, 2, 3 nodes
        if not a.skip_throughput:
            for n in (1, 2, 3):
                nodes = cluster(a.jar, pg, n, os.path.join(workdir, f't{n}'))
                t0 = time.monotonic()
                ids = [call(nodes[i % n].base, 'POST', '/jobs', small(i))['id'] for i in range(24)]
                await_final(nodes[0].base, ids)
                dt = time.monotonic() - t0
                print(f'throughput: 24 small jobs (adam, 20-32-4, 3 epochs) on {n} node(s): {dt:.1f} s, {24 * 60 / dt:.0f} jobs/min')
                for x in nodes:
                    x.kill()
        # single-node start-up and idle heap
        for label, jar in (('this build', a.jar), ('before cluster mode', a.before_jar)):
            if not jar:
                continue
            ups, heaps = [], []
            for r in range(3):
                x = Node(f'single-{label[:4]}-{r}', jar, workdir)
                x.start()
                ups.append(x.wait_up())
                time.sleep(3)
                subprocess.run(['jcmd', str(x.proc.pid), 'GC.run'], capture_output=True)
                info = subprocess.run(['jcmd', str(x.proc.pid), 'GC.heap_info'], capture_output=True, text=True).stdout
                used = [l for l in info.splitlines() if 'used' in l][0]
                heaps.append(int(used.split('used')[1].split('K')[0].strip()) / 1024)
                x.kill()
            print(f'single node, {label}: start-up to health 200 median {statistics.median(ups):.2f} s (runs {[round(u, 2) for u in ups]}), '
                  f'idle heap after GC median {statistics.median(heaps):.0f} MiB (runs {[round(h) for h in heaps]})')
    finally:
        for x in nodes:
            x.kill()
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        print('load average at end:', os.getloadavg())


if __name__ == '__main__':
    main()
