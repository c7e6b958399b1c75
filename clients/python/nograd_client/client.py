"""The HTTP client: standard library only (http.client, json), so it runs on any Python 3.8+."""
import http.client
import json
import time
import urllib.parse

# PRUNED: a sweep's rule stopped the job early (its epochs and weights are kept).
FINAL = ("SUCCEEDED", "FAILED", "CANCELLED", "PRUNED")
SWEEP_FINAL = ("DONE", "CANCELLED")
TABLE_FORMATS = ("json", "csv", "md")
FORMATS = ("safetensors", "npz", "json")


class NogradError(Exception):
    """A 4xx/5xx answer. ``problem`` is the problem+json body (``errors``: [{field, message}]) when there is one."""

    def __init__(self, method, path, status, problem, text):
        self.status = status
        self.problem = problem if isinstance(problem, dict) else None
        detail = text
        if self.problem:
            errors = self.problem.get("errors") or []
            parts = ["%s: %s" % (e.get("field"), e.get("message")) for e in errors if isinstance(e, dict)]
            detail = "; ".join(parts) or self.problem.get("detail") or self.problem.get("title") or text
        super().__init__("%s %s -> %d: %s" % (method, path, status, detail))


class Event:
    """One Server-Sent Event: ``type`` is ``epoch`` or ``status``; ``id`` the epoch (epoch events); ``data`` the JSON."""

    __slots__ = ("type", "id", "data")

    def __init__(self, type, id, data):
        self.type = type
        self.id = id
        self.data = data

    @property
    def final(self):
        return self.type == "status" and self.data.get("status") in FINAL

    def __repr__(self):
        return "Event(%r, id=%r, %r)" % (self.type, self.id, self.data)


def _job_id(job):
    return job["id"] if isinstance(job, dict) else str(job)


def _quoted(id):
    return urllib.parse.quote(_job_id(id), safe="")


class Client:
    """A nograd server at ``url`` (e.g. ``http://localhost:8080``); ``token`` when it requires one.

    Jobs may be passed as their id or as the dict ``submit``/``get`` returned.
    """

    def __init__(self, url="http://localhost:8080", token=None, timeout=120):
        u = urllib.parse.urlparse(url if "://" in url else "http://" + url)
        if u.scheme not in ("http", "https"):
            raise ValueError("url must be http:// or https://, got %r" % url)
        self.url = url.rstrip("/")
        self._scheme = u.scheme
        self._host = u.hostname
        self._port = u.port
        self._prefix = u.path.rstrip("/")
        self.token = token
        self.timeout = timeout

    # ---- transport -------------------------------------------------------------------------------------

    def _connection(self, timeout):
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=timeout)

    def _headers(self, extra=None):
        h = {"Accept": "application/json"}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(extra or {})
        return h

    def request(self, method, path, body=None, headers=None, timeout=None):
        """Sends one request; returns (status, headers, bytes). Raises NogradError for 4xx/5xx."""
        h = self._headers(headers)
        if body is not None and not isinstance(body, (bytes, bytearray)):
            body = json.dumps(body).encode("utf-8")
            h["Content-Type"] = "application/json"
        conn = self._connection(timeout or self.timeout)
        try:
            conn.request(method, self._prefix + path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            rh = {k.lower(): v for k, v in r.getheaders()}
        finally:
            conn.close()
        if r.status >= 400:
            text = data.decode("utf-8", "replace")
            try:
                problem = json.loads(text)
            except ValueError:
                problem = None
            raise NogradError(method, path, r.status, problem, text.strip()[:500])
        return r.status, rh, data

    def _json(self, method, path, body=None):
        _, _, data = self.request(method, path, body)
        return json.loads(data) if data else None

    # ---- jobs ------------------------------------------------------------------------------------------

    def submit(self, spec):
        """Creates a job from a JobSpec dict (see ``algorithms()`` for each solver's params); returns the job."""
        return self._json("POST", "/jobs", spec)

    def get(self, job):
        return self._json("GET", "/jobs/" + _job_id(job))

    def list(self, status=None, algorithm=None, limit=50, offset=0):
        """One page of jobs, newest first: {"jobs": [...], "total", "limit", "offset"}."""
        q = {"limit": limit, "offset": offset}
        if status:
            q["status"] = status
        if algorithm:
            q["algorithm"] = algorithm
        return self._json("GET", "/jobs?" + urllib.parse.urlencode(q))

    def cancel(self, job):
        return self._json("POST", "/jobs/%s/cancel" % _job_id(job))

    def delete(self, job):
        self.request("DELETE", "/jobs/" + _job_id(job))

    def wait(self, job, timeout=None, poll=1.0):
        """Polls until the job has ended; returns it. Raises TimeoutError after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            j = self.get(job)
            if j["status"] in FINAL:
                return j
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError("job %s still %s after %ss" % (_job_id(job), j["status"], timeout))
            time.sleep(poll)

    def metrics(self, job, frame=None):
        """The epoch rows. A pandas DataFrame when pandas is installed (or ``frame=True``), else a list of dicts."""
        rows = self._json("GET", "/jobs/%s/metrics" % _job_id(job))
        if frame is False:
            return rows
        try:
            import pandas
        except ImportError:
            if frame:
                raise
            return rows
        return pandas.DataFrame(rows)

    def events(self, job, last_event_id=None, reconnect=3, read_timeout=60):
        """Iterates over the job's Server-Sent Events: its epochs so far, then live ones, ending after the
        final ``status`` event. A dropped connection is resumed with ``Last-Event-ID`` (the last epoch seen),
        so no epoch is repeated or lost; ``reconnect`` bounds the attempts in a row without progress."""
        path = "/jobs/%s/events" % _job_id(job)
        last = last_event_id
        failures = 0
        while True:
            h = self._headers({"Accept": "text/event-stream"})
            if last is not None:
                h["Last-Event-ID"] = str(last)
            conn = self._connection(read_timeout)
            try:
                conn.request("GET", self._prefix + path, headers=h)
                r = conn.getresponse()
                if r.status >= 400:
                    text = r.read().decode("utf-8", "replace")
                    try:
                        problem = json.loads(text)
                    except ValueError:
                        problem = None
                    raise NogradError("GET", path, r.status, problem, text.strip()[:500])
                for ev in _parse_sse(r):
                    failures = 0
                    if ev.id is not None:
                        last = ev.id
                    yield ev
                    if ev.final:
                        return
            except (OSError, http.client.HTTPException) as e:
                failures += 1
                if failures > reconnect:
                    raise ConnectionError("lost the event stream of %s %d times in a row: %s" % (path, failures, e))
                time.sleep(min(0.5 * failures, 5))
            finally:
                conn.close()
            # The server closes the stream only after the final status: anything else was a drop, so resume.

    # ---- sweeps ----------------------------------------------------------------------------------------

    def sweep(self, spec):
        """Creates a sweep from a request dict (``base`` JobSpec, ``grid``, ``random``, ``seeds``, ``maxConcurrent``,
        ``shuffle``, ``prune``; see docs/server.md "Sweeps"); returns it with its cells. Nothing is created when
        any cell is invalid: the NogradError names ``cells[i].<field>`` or ``base.<field>``."""
        return self._json("POST", "/sweeps", spec)

    def sweeps(self, limit=50, offset=0):
        """One page of sweeps without their cells, newest first: {"sweeps": [...], "total", "limit", "offset"}."""
        return self._json("GET", "/sweeps?" + urllib.parse.urlencode({"limit": limit, "offset": offset}))

    def get_sweep(self, sweep, metric=None):
        """The sweep with ``progress``, ``cells``, ``aggregates`` and ``best``, for its metric or ``metric``."""
        q = "?" + urllib.parse.urlencode({"metric": metric}) if metric else ""
        return self._json("GET", "/sweeps/%s%s" % (_quoted(sweep), q))

    def wait_sweep(self, sweep, timeout=None, poll=1.0, metric=None):
        """Polls until the sweep is DONE or CANCELLED and none of its cells is still queued or running (a cancelled
        sweep's running cell stops at its next epoch boundary); returns it, ready for ``delete_sweep``.
        Raises TimeoutError after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            s = self.get_sweep(sweep, metric)
            if s["status"] in SWEEP_FINAL and s["progress"]["queued"] + s["progress"]["running"] == 0:
                return s
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError("sweep %s still %s after %ss" % (_job_id(sweep), s["status"], timeout))
            time.sleep(poll)

    def sweep_table(self, sweep, rows, cols=None, metric=None, stat="final", format="json"):
        """The pivot table ``rows`` x ``cols`` (swept paths; ``cols`` may be None) of the metric's mean over the
        ended cells: a dict ``{rowValues, colValues, values: [[{mean, std, n}]], sweep}`` for ``json``, the
        text for ``csv`` (means) and ``md`` (``mean ± std``)."""
        if format not in TABLE_FORMATS:
            raise ValueError("format must be one of %s, got %r" % (TABLE_FORMATS, format))
        q = {"rows": rows, "stat": stat, "format": format}
        if cols:
            q["cols"] = cols
        if metric:
            q["metric"] = metric
        _, _, data = self.request("GET", "/sweeps/%s/table?%s" % (_quoted(sweep), urllib.parse.urlencode(q)),
                                  headers={"Accept": "*/*"})
        return json.loads(data) if format == "json" else data.decode("utf-8")

    def cancel_sweep(self, sweep):
        """Releases no more cells and cancels the queued and running ones; returns the sweep (409 once ended)."""
        return self._json("POST", "/sweeps/%s/cancel" % _quoted(sweep))

    def delete_sweep(self, sweep):
        """Deletes an ended sweep with every cell's job, epochs and weights (409 while it runs: cancel first)."""
        self.request("DELETE", "/sweeps/" + _quoted(sweep))

    # ---- weights ---------------------------------------------------------------------------------------

    def weights(self, job, format="safetensors"):
        """The latest weights (the final ones once the job has ended) as bytes: safetensors, npz or json."""
        if format not in FORMATS:
            raise ValueError("format must be one of %s, got %r" % (FORMATS, format))
        _, _, data = self.request("GET", "/jobs/%s/weights?format=%s" % (_job_id(job), format),
                                  headers={"Accept": "*/*"})
        return data

    def predict(self, job, inputs):
        """Runs the job's weights on ``inputs`` (rows of the network's input size; a NumPy array works too);
        returns {"outputs": [[...]], "classes": [...], "epoch": n}."""
        if hasattr(inputs, "tolist"):
            inputs = inputs.tolist()
        return self._json("POST", "/jobs/%s/predict" % _job_id(job), {"inputs": inputs})

    def load_numpy(self, job):
        """The weights as a dict of float32 NumPy arrays (``layers.{2l}.weight`` out x in, ``layers.{2l}.bias``)."""
        from .models import load_numpy
        return load_numpy(self, job)

    def load_torch(self, job):
        """The job's network as a ``torch.nn.Sequential`` (Linear, activation, ..., Linear[, output activation])
        with the trained weights, in eval mode; its outputs are those of ``predict``."""
        from .models import load_torch
        return load_torch(self, job)

    # ---- catalogue -------------------------------------------------------------------------------------

    def algorithms(self):
        return self._json("GET", "/algorithms")

    def datasets(self):
        return self._json("GET", "/datasets")


def _parse_sse(response):
    """Yields the events of an SSE stream (comments such as ``:keep-alive`` are skipped)."""
    etype, eid, data = None, None, []
    while True:
        raw = response.readline()
        if not raw:
            raise ConnectionResetError("event stream closed before the job's final status")
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                text = "\n".join(data)
                try:
                    payload = json.loads(text)
                except ValueError:
                    payload = {"text": text}
                yield Event(etype or "message", int(eid) if eid and eid.isdigit() else eid, payload)
            etype, eid, data = None, None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            etype = value
        elif field == "id":
            eid = value
        elif field == "data":
            data.append(value)

