"""python3 -m nograd_client: submit, follow, download, list, get, cancel; sweep, sweeps, table.

Server and token from --url/--token or NOGRAD_URL/NOGRAD_TOKEN (default http://localhost:8080, no token).
Exit status of submit --follow and follow: 0 SUCCEEDED, 1 FAILED, 3 CANCELLED, 4 PRUNED; of sweep --follow:
0 DONE with no cell FAILED, 1 DONE with a FAILED cell, 3 CANCELLED; 2 for usage and request errors.
"""
import argparse
import json
import os
import sys
import time

from .client import SWEEP_FINAL, Client, NogradError

EXIT = {"SUCCEEDED": 0, "FAILED": 1, "CANCELLED": 3, "PRUNED": 4}
BAR = 24


def _clock(seconds):
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return "%d:%02d:%02d" % (h, m, s) if h else "%d:%02d" % (m, s)


def _num(v, fmt="%.4f"):
    return "-" if v is None else fmt % v


class Progress:
    """One line per epoch: a bar, loss, accuracy, seconds per epoch and the ETA. On a terminal the line is
    redrawn in place; in a pipe or a log each epoch gets its own line."""

    def __init__(self, out, epochs):
        self.out = out
        self.epochs = epochs
        self.tty = out.isatty()
        self.seconds = []
        self.drawn = False

    def epoch(self, row):
        self.epochs = row.get("epochs") or self.epochs
        done = row["epoch"]
        if row.get("seconds") is not None:
            self.seconds.append(row["seconds"])
        per = sum(self.seconds) / len(self.seconds) if self.seconds else None
        fill = int(BAR * done / self.epochs) if self.epochs else BAR
        eta = _clock(per * (self.epochs - done)) if per is not None else "?"
        acc = row.get("testAccuracy")
        line = "epoch %*d/%d [%s%s] %3d%%  loss %s  %s  %.2f s/epoch  ETA %s" % (
            len(str(self.epochs)), done, self.epochs, "#" * fill, "." * (BAR - fill), 100 * done // max(self.epochs, 1),
            _num(row.get("trainLoss")),
            ("acc " + _num(acc)) if acc is not None else ("test loss " + _num(row.get("testLoss"))),
            per or 0.0, eta)
        if self.tty:
            self.out.write("\r\x1b[2K" + line)
        else:
            self.out.write(line + "\n")
        self.out.flush()
        self.drawn = True

    def done(self):
        if self.tty and self.drawn:
            self.out.write("\n")
            self.out.flush()


def follow(client, job_id, out=sys.stdout):
    """Prints the job's progress until it ends; returns the exit status for its final status."""
    job = client.get(job_id)
    bar = Progress(out, job["spec"]["epochs"])
    if job["status"] == "QUEUED":
        out.write("%s queued (position %s)\n" % (job_id, job.get("queuePosition")))
        out.flush()
    started = time.monotonic()
    for ev in client.events(job_id):
        if ev.type == "epoch":
            bar.epoch(ev.data)
        elif ev.final:
            break
    bar.done()
    job = client.get(job_id)
    latest = job.get("latest") or {}
    summary = "%s %s after %d epochs" % (job_id, job["status"], job["epochsDone"])
    if latest.get("testAccuracy") is not None:
        summary += ", test accuracy %.4f" % latest["testAccuracy"]
    elif latest.get("testLoss") is not None:
        summary += ", test loss %.4g" % latest["testLoss"]
    summary += " (%s followed)" % _clock(time.monotonic() - started)
    out.write(summary + "\n")
    if job.get("error"):
        out.write("error: %s\n" % job["error"])
    out.flush()
    return EXIT.get(job["status"], 1)


def _coordinates(coords):
    return " ".join("%s=%s" % (k, json.dumps(v)) for k, v in (coords or {}).items())


def sweep_line(s):
    """One line of a sweep's progress: cells ended (succeeded, pruned, failed, cancelled), running, queued and
    not yet released, epochs trained of those planned, and the best cell so far."""
    p = s["progress"]
    ended = p["succeeded"] + p["pruned"] + p["failed"] + p["cancelled"]
    line = "cells %d/%d done (%d succeeded, %d pruned, %d failed, %d cancelled), %d running, %d queued, %d pending; " \
           "epochs %d/%d" % (ended, p["cells"], p["succeeded"], p["pruned"], p["failed"], p["cancelled"], p["running"],
                             p["queued"], p["pending"], p["epochsDone"], p["epochsPlanned"])
    best = s.get("best")
    if best and best.get("final") is not None:
        line += "; best %s %.4g (cell %d: %s)" % (s["metric"], best["final"], best["index"], _coordinates(best["coordinates"]))
    return line


def follow_sweep(client, sweep_id, out=sys.stdout, poll=1.0):
    """Prints the sweep's progress whenever it changes, until it ends; returns the exit status (0 DONE with no
    FAILED cell, 1 DONE with one, 3 CANCELLED). Sweeps have no event stream, so this polls GET /sweeps/{id}."""
    tty = out.isatty()
    started = time.monotonic()
    last = None
    while True:
        s = client.get_sweep(sweep_id)
        line = sweep_line(s)
        if line != last:
            out.write(("\r\x1b[2K" + line) if tty else line + "\n")
            out.flush()
            last = line
        if s["status"] in SWEEP_FINAL:
            break
        time.sleep(poll)
    if tty:
        out.write("\n")
    out.write("%s %s (%s followed)\n" % (sweep_id, s["status"], _clock(time.monotonic() - started)))
    for c in s.get("cells") or []:
        if c["status"] == "FAILED":
            out.write("cell %d (%s) FAILED: %s\n" % (c["index"], _coordinates(c["coordinates"]), c.get("error")))
    out.flush()
    if s["status"] == "CANCELLED":
        return 3
    return 1 if s["progress"]["failed"] else 0


def _read_spec(path):
    text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    try:
        return json.loads(text)
    except ValueError as e:
        raise SystemExit("%s is not JSON: %s" % (path, e))


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m nograd_client", description="Client of a nograd training server.")
    p.add_argument("--url", default=os.environ.get("NOGRAD_URL", "http://localhost:8080"))
    p.add_argument("--token", default=os.environ.get("NOGRAD_TOKEN") or None)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("submit", help="create a job from a JobSpec file ('-' reads stdin); prints its id")
    s.add_argument("spec")
    s.add_argument("--follow", "-f", action="store_true", help="show a progress bar until it ends; exit with its status")
    f = sub.add_parser("follow", help="show a job's progress until it ends; exit with its status")
    f.add_argument("id")
    d = sub.add_parser("download", help="save a job's weights")
    d.add_argument("id")
    d.add_argument("--format", choices=("safetensors", "npz", "json"), default="safetensors")
    d.add_argument("--output", "-o", help="file name (default nograd-ID.FORMAT)")
    g = sub.add_parser("get", help="print a job as JSON")
    g.add_argument("id")
    ls = sub.add_parser("list", help="list jobs, newest first")
    ls.add_argument("--status")
    ls.add_argument("--limit", type=int, default=20)
    c = sub.add_parser("cancel", help="cancel a job")
    c.add_argument("id")
    sw = sub.add_parser("sweep", help="create a sweep from a request file ('-' reads stdin); prints its id")
    sw.add_argument("spec")
    sw.add_argument("--follow", "-f", action="store_true", help="show its progress until it ends; exit with its status")
    fs = sub.add_parser("follow-sweep", help="show a sweep's progress until it ends; exit with its status")
    fs.add_argument("id")
    sub.add_parser("sweeps", help="list sweeps, newest first")
    t = sub.add_parser("table", help="print a sweep's table rows x cols of a metric's mean (markdown by default)")
    t.add_argument("id")
    t.add_argument("--rows", required=True, help="a swept path, e.g. params.lr")
    t.add_argument("--cols", help="another swept path, e.g. batchSize (optional)")
    t.add_argument("--metric", help="testAccuracy (the sweep's default), trainAccuracy, testLoss, trainLoss, objective")
    t.add_argument("--stat", choices=("final", "best"), default="final")
    t.add_argument("--format", choices=("md", "csv", "json"), default="md")
    cs = sub.add_parser("cancel-sweep", help="cancel a sweep's queued and running cells and release no more")
    cs.add_argument("id")
    ds = sub.add_parser("delete-sweep", help="delete an ended sweep with its cells' jobs")
    ds.add_argument("id")
    a = p.parse_args(argv)
    client = Client(a.url, a.token)
    try:
        if a.command == "submit":
            job = client.submit(_read_spec(a.spec))
            print(job["id"], flush=True)
            return follow(client, job["id"]) if a.follow else 0
        if a.command == "follow":
            return follow(client, a.id)
        if a.command == "download":
            data = client.weights(a.id, a.format)
            name = a.output or "nograd-%s.%s" % (a.id, a.format)
            tmp = name + ".part"
            with open(tmp, "wb") as out:
                out.write(data)
            os.replace(tmp, name)
            print("%s (%d bytes)" % (name, len(data)))
            return 0
        if a.command == "get":
            print(json.dumps(client.get(a.id), indent=2))
            return 0
        if a.command == "list":
            for j in client.list(status=a.status, limit=a.limit)["jobs"]:
                latest = j.get("latest") or {}
                acc = latest.get("testAccuracy")
                print("%s  %-9s  %-8s  %-14s  %3d/%-3d  %s  %s" % (
                    j["id"], j["status"], j["spec"]["algorithm"], j["spec"]["dataset"], j["epochsDone"],
                    j["spec"]["epochs"], "-" if acc is None else "%.4f" % acc, j.get("name") or ""))
            return 0
        if a.command == "cancel":
            print(client.cancel(a.id)["status"])
            return 0
        if a.command == "sweep":
            sweep = client.sweep(_read_spec(a.spec))
            print(sweep["id"], flush=True)
            return follow_sweep(client, sweep["id"]) if a.follow else 0
        if a.command == "follow-sweep":
            return follow_sweep(client, a.id)
        if a.command == "sweeps":
            for s in client.sweeps(limit=50)["sweeps"]:
                print("%s  %-9s  %s  %s" % (s["id"], s["status"], sweep_line(s), s.get("name") or ""))
            return 0
        if a.command == "table":
            table = client.sweep_table(a.id, a.rows, a.cols, a.metric, a.stat, a.format)
            text = json.dumps(table, indent=2) if a.format == "json" else table
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return 0
        if a.command == "cancel-sweep":
            print(client.cancel_sweep(a.id)["status"])
            return 0
        if a.command == "delete-sweep":
            client.delete_sweep(a.id)
            print("deleted %s" % a.id)
            return 0
    except NogradError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    except (OSError, ConnectionError) as e:
        print("error: cannot reach %s: %s" % (a.url, e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; the job or sweep goes on (follow ID or follow-sweep ID to watch it again)", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
