#!/usr/bin/env python3
"""Checks nograd_client against a running server (CI runs it from PythonClientTest on a fresh one):

    PYTHONPATH=clients/python python3 clients/python/tests/live_test.py http://127.0.0.1:8080 [--token T]

Trains a few jobs of seconds on the spirals set. Prints one line per check ("ok ..." / "SKIP ..."), exits 1 on
the first failure. Needs NumPy (setup.sh installs python3-numpy); the PyTorch check runs where torch imports.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from nograd_client import Client, NogradError, read_safetensors  # noqa: E402


def check(cond, what, detail=""):
    if not cond:
        print("FAIL %s %s" % (what, detail), flush=True)
        sys.exit(1)


def ok(what):
    print("ok   " + what, flush=True)


def spec(algorithm="adam", epochs=6, **extra):
    s = {"name": "python client test", "algorithm": algorithm, "dataset": "spirals", "layers": [2, 24, 24, 2],
         "activation": "tanh", "loss": "cross-entropy", "epochs": epochs, "batchSize": 32, "seed": 7,
         "params": {"lr": 0.01}}
    s.update(extra)
    return s


def cli(url, token, *args, stdin=None):
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    cmd = [sys.executable, "-m", "nograd_client", "--url", url] + (["--token", token] if token else []) + list(args)
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, timeout=600)
    return p.returncode, p.stdout, p.stderr


def forward_numpy(np, w, x, hidden, output):
    """The network's forward pass in NumPy float64 from the downloaded float32 tensors."""
    acts = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "identity": lambda z: z}
    n = len([k for k in w if k.endswith(".weight")])
    a = np.asarray(x, dtype=np.float64)
    for l in range(n):
        z = a @ w["layers.%d.weight" % (2 * l)].astype(np.float64).T + w["layers.%d.bias" % (2 * l)]
        a = acts[hidden if l < n - 1 else output](z)
    return a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--token")
    a = ap.parse_args()
    c = Client(a.url, a.token)
    import numpy as np

    # 1. the command line: submit --follow prints a bar per epoch and exits with the job's status
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spec.json")
        with open(path, "w") as f:
            json.dump(spec(), f)
        code, out, err = cli(a.url, a.token, "submit", path, "--follow")
        check(code == 0, "submit --follow exits 0 for SUCCEEDED", "(%d) %s %s" % (code, out, err))
        lines = out.splitlines()
        job_id = lines[0].strip()
        bars = [l for l in lines if l.startswith("epoch ")]
        check(len(bars) == 6, "one progress line per epoch", out)
        check(bars[-1].startswith("epoch 6/6 [########################] 100%") and "acc 0." in bars[-1]
              and "ETA 0:00" in bars[-1], "the last bar is full with accuracy and ETA", bars[-1])
        check(" SUCCEEDED after 6 epochs, test accuracy " in lines[-1], "a summary line", lines[-1])
        ok("submit --follow: %d progress lines, %s" % (len(bars), lines[-1]))

        # 2. download --format npz writes the file the client's load_numpy reads
        npz = os.path.join(tmp, "w.npz")
        code, out, err = cli(a.url, a.token, "download", job_id, "--format", "npz", "-o", npz)
        check(code == 0 and os.path.getsize(npz) > 0, "download --format npz", out + err)
        w = c.load_numpy(job_id)
        with np.load(npz) as z:
            check(sorted(z.files) == sorted(w), "the npz holds the same tensors", str(z.files))
            for k in w:
                check(np.array_equal(z[k], w[k]), "npz tensor %s equals load_numpy's" % k)
        check(w["layers.0.weight"].shape == (24, 2) and w["layers.4.weight"].shape == (2, 24)
              and w["layers.4.bias"].shape == (2,) and w["layers.0.weight"].dtype == np.float32,
              "load_numpy shapes (out x in, float32)", str({k: v.shape for k, v in w.items()}))
        ok("download --format npz and load_numpy: %s" % sorted(w))

    # 3. the library: get, wait, list, metrics, events with Last-Event-ID resume
    job = c.wait(job_id, timeout=60)
    check(job["status"] == "SUCCEEDED" and job["epochsDone"] == 6, "wait returns the ended job", str(job))
    check(any(j["id"] == job_id for j in c.list(limit=50)["jobs"]), "list shows the job")
    rows = c.metrics(job_id, frame=False)
    check([r["epoch"] for r in rows] == [1, 2, 3, 4, 5, 6], "metrics rows", str(rows))
    events = list(c.events(job_id))
    epochs = [e for e in events if e.type == "epoch"]
    check([e.id for e in epochs] == [1, 2, 3, 4, 5, 6], "events: every epoch with its id", str(events))
    check(events[-1].final and events[-1].data["status"] == "SUCCEEDED", "events end with the final status")
    check(abs(epochs[-1].data["testAccuracy"] - rows[-1]["testAccuracy"]) < 1e-12, "an event equals its metrics row")
    resumed = [e.id for e in c.events(job_id, last_event_id=4) if e.type == "epoch"]
    check(resumed == [5, 6], "Last-Event-ID 4 resumes at epoch 5", str(resumed))
    try:
        import pandas  # noqa: F401
        frame = c.metrics(job_id)
        check(list(frame["epoch"]) == [1, 2, 3, 4, 5, 6], "metrics as a DataFrame")
        ok("metrics as a pandas DataFrame")
    except ImportError:
        check(isinstance(c.metrics(job_id), list), "metrics is a list without pandas")
    ok("wait, list, metrics, events (%d events) and Last-Event-ID resume" % len(events))

    # 4. predict agrees with the downloaded weights' forward pass
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(50, 2))
    pred = c.predict(job_id, x)
    server = np.array(pred["outputs"])
    local = forward_numpy(np, w, x, "tanh", "identity")
    err = float(np.max(np.abs(server - local)))
    # The server computes with the float64 checkpoint, the download is float32: agreement to float32's rounding.
    check(err < 1e-4, "predict agrees with NumPy on the downloaded weights", "max |diff| %.3g" % err)
    margin = np.abs(local[:, 0] - local[:, 1]) > 1e-3
    check(np.array_equal(np.array(pred["classes"])[margin], np.argmax(local, axis=1)[margin]), "predict's classes")
    ok("predict agrees with load_numpy's weights (max |diff| %.2g over %d rows)" % (err, len(x)))

    # 5. load_torch: nn.Sequential with the right activations, outputs equal to predict's
    try:
        import torch
    except ImportError as e:
        torch = None
        print("SKIP load_torch: PyTorch is not installed for %s (%s)" % (sys.executable, e), flush=True)
    if torch is not None:
        # An LPOM job trained with MSE has ReLU on its output layer too.
        lpom = c.submit(spec("lpom", epochs=2, activation="relu", loss="mse", params={}))
        check(c.wait(lpom, timeout=300)["status"] == "SUCCEEDED", "the LPOM job succeeded")
        for jid, hidden, last in ((job_id, torch.nn.Tanh, torch.nn.Linear), (lpom["id"], torch.nn.ReLU, torch.nn.ReLU)):
            model = c.load_torch(jid)
            check(isinstance(model, torch.nn.Sequential) and not model.training, "load_torch gives an nn.Sequential in eval mode")
            check(isinstance(model[0], torch.nn.Linear) and isinstance(model[1], hidden) and isinstance(model[-1], last),
                  "the Sequential's modules", str(model))
            with torch.no_grad():
                out = model(torch.tensor(x, dtype=torch.float32)).double().numpy()
            want = np.array(c.predict(jid, x)["outputs"])
            err = float(np.max(np.abs(out - want)))
            check(err < 1e-4, "load_torch agrees with predict", "max |diff| %.3g\n%s" % (err, model))
            ok("load_torch %s agrees with predict (max |diff| %.2g)" % (" ".join(type(m).__name__ for m in model), err))

    # 6. the safetensors download parses with the standard library alone
    meta, tensors = read_safetensors(c.weights(job_id))
    check(meta.get("jobId") == job_id and tensors["layers.0.weight"][0] == (24, 2) and tensors["layers.0.weight"][1] == "F32",
          "read_safetensors", str(meta))
    ok("read_safetensors: metadata and %d tensors" % len(tensors))

    # 7. errors name the field; cancel ends a running job and follow exits 3
    try:
        c.submit(spec(layers=[3, 8, 2]))
        check(False, "a wrong input size is refused")
    except NogradError as e:
        check(e.status == 400 and any(x["field"].startswith("layers") for x in e.problem["errors"]), "400 naming layers", str(e))
    try:
        c.get("no-such-job")
        check(False, "an unknown job is a 404")
    except NogradError as e:
        check(e.status == 404, "404 for an unknown job", str(e))
    long = c.submit(spec(epochs=2000))
    first = next(e for e in c.events(long) if e.type == "epoch")
    check(first.id == 1, "the long job's first epoch")
    c.cancel(long)
    code, out, err = cli(a.url, a.token, "follow", long["id"])
    check(code == 3 and "CANCELLED" in out, "follow exits 3 for CANCELLED", "(%d) %s %s" % (code, out, err))
    ok("errors (400 naming the field, 404), cancel, follow's exit status 3 for CANCELLED")

    sweeps(a, c)
    print("all checks passed", flush=True)


def raw_get(a, path):
    """GET with urllib rather than the client's transport, so the client's answers are compared with the server's own."""
    req = urllib.request.Request(a.url.rstrip("/") + path, headers={"Authorization": "Bearer " + a.token} if a.token else {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read().decode("utf-8")


def sweeps(a, c):
    """8. sweeps: sweep --follow on a 2x2 grid, the table as JSON and markdown against GET /sweeps/{id}/table,
    list, wait, cancel and delete."""
    request = {"name": "python client sweep", "base": spec(epochs=3), "grid": {"params.lr": [0.003, 0.03], "batchSize": [16, 64]}}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sweep.json")
        with open(path, "w") as f:
            json.dump(request, f)
        code, out, err = cli(a.url, a.token, "sweep", path, "--follow")
    check(code == 0, "sweep --follow exits 0 for DONE", "(%d) %s %s" % (code, out, err))
    lines = out.splitlines()
    sid = lines[0].strip()
    progress = [l for l in lines if l.startswith("cells ")]
    check(progress and progress[-1].startswith("cells 4/4 done (4 succeeded, 0 pruned, 0 failed, 0 cancelled)")
          and "epochs 12/12; best testAccuracy 0." in progress[-1], "the last progress line", out)
    check(lines[-1].startswith(sid + " DONE"), "a summary line", lines[-1])
    ok("sweep --follow: %d progress lines:\n%s" % (len(progress), out.rstrip()))

    s = c.wait_sweep(sid, timeout=60)
    check(s["status"] == "DONE" and len(s["cells"]) == 4 and all(x["status"] == "SUCCEEDED" for x in s["cells"]),
          "wait_sweep returns the ended sweep", str(s))
    check(any(x["id"] == sid for x in c.sweeps()["sweeps"]), "sweeps() lists it")
    code, out, err = cli(a.url, a.token, "sweeps")
    check(code == 0 and any(l.split()[:4] == [sid, "DONE", "cells", "4/4"] for l in out.splitlines() if l.strip()), "the sweeps command lists it",
          "(%d) %s %s" % (code, out, err))
    query = "?rows=params.lr&cols=batchSize&stat=final"
    table = c.sweep_table(sid, "params.lr", "batchSize")
    served = json.loads(raw_get(a, "/sweeps/%s/table%s&format=json" % (sid, query)))
    check(table == served, "sweep_table equals GET /sweeps/{id}/table", "%s\n%s" % (table, served))
    check(table["rowValues"] == [0.003, 0.03] and table["colValues"] == [16, 64], "the table's headers", str(table))
    # each value is the one seed's final test accuracy of the cell with those coordinates
    for i, lr in enumerate(table["rowValues"]):
        for j, batch in enumerate(table["colValues"]):
            cell = next(x for x in s["cells"] if x["coordinates"]["params.lr"] == lr and x["coordinates"]["batchSize"] == batch)
            v = table["values"][i][j]
            check(v["n"] == 1 and abs(v["mean"] - c.metrics(cell["jobId"], frame=False)[-1]["testAccuracy"]) < 1e-12,
                  "table value [%d][%d] is its cell's last testAccuracy" % (i, j), str(v))
    md_served = raw_get(a, "/sweeps/%s/table%s&format=md" % (sid, query))
    check(c.sweep_table(sid, "params.lr", "batchSize", format="md") == md_served, "sweep_table md equals the server's")
    code, out, err = cli(a.url, a.token, "table", sid, "--rows", "params.lr", "--cols", "batchSize")
    check(code == 0 and out.rstrip("\n") == md_served.rstrip("\n") and out.count("|") >= 9, "the table command prints the markdown",
          "(%d) %r vs %r %s" % (code, out, md_served, err))
    ok("table: client JSON and markdown equal GET /sweeps/{id}/table; values equal the cells' metrics\n" + out.rstrip())

    try:
        c.sweep_table(sid, "params.momentum")
        check(False, "an unswept rows path is refused")
    except NogradError as e:
        check(e.status == 400 and e.problem["errors"][0]["field"] == "rows", "400 naming rows", str(e))
    try:
        c.cancel_sweep(sid)
        check(False, "cancelling an ended sweep is refused")
    except NogradError as e:
        check(e.status == 409, "409 when cancelling an ended sweep", str(e))
    long = c.sweep({"base": spec(epochs=2000), "grid": {"params.lr": [0.01, 0.02]}, "maxConcurrent": 1})
    check(c.cancel_sweep(long)["id"] == long["id"], "cancel_sweep returns the sweep")
    ended = c.wait_sweep(long, timeout=60)
    check(ended["status"] == "CANCELLED", "a cancelled sweep ends CANCELLED", str(ended))
    for x in (sid, long["id"]):
        c.delete_sweep(x)
        try:
            c.get_sweep(x)
            check(False, "a deleted sweep is gone")
        except NogradError as e:
            check(e.status == 404, "404 after delete_sweep", str(e))
    ok("errors (400 naming rows, 409), cancel_sweep, wait_sweep CANCELLED, delete_sweep")


if __name__ == "__main__":
    main()
