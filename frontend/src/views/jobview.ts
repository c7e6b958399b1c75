// One job: live curves (loss, accuracy, the solver's objective, per-layer diagnostics), the epoch
// table, cancel, downloads, and the spec as JSON and as a curl command.
import { api, ApiError, download, getToken } from '../api';
import { axisLabel, LineChart, PALETTE } from '../charts';
import { LiveFeed } from '../live';
import { EpochStore } from '../series';
import { FINAL, type Algorithm, type EpochRow, type Job, type LiveMessage } from '../types';
import { arch, clear, copyText, fmtNum, fmtPct, fmtSeconds, fmtTime, h, REDRAW_MS, redrawer, statusBadge } from '../util';

const FORMATS = ['safetensors', 'npz', 'json'] as const;

export function mountJobView(root: HTMLElement, id: string): () => void {
  let job: Job | null = null;
  let disposed = false;
  let loaded = false;
  const store = new EpochStore();
  const charts = new Map<string, LineChart>();
  /** The job's solver as GET /algorithms describes it: undefined while loading, null if unavailable. */
  let algorithm: Algorithm | null | undefined;

  const title = h('h1', { 'data-testid': 'job-title' }, 'Job');
  const statusSlot = h('span', {});
  const progressText = h('span', { 'data-testid': 'job-progress' }, '');
  const progressBar = h('span', { class: 'bar bar-wide', 'aria-hidden': 'true' }, h('span', {}));
  const meta = h('dl', { class: 'meta', 'data-testid': 'job-meta' });
  const message = h('div', { class: 'message', role: 'status', 'data-testid': 'job-message' });
  const errorBox = h('div', { class: 'message error', 'data-testid': 'job-error', hidden: true });
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-danger', id: 'cancel-job', 'data-testid': 'cancel-job', disabled: true }, 'Cancel job');
  const compareLink = h('a', { class: 'btn', href: `#/compare?ids=${encodeURIComponent(id)}`, 'data-testid': 'compare-with' }, 'Compare with…');
  const downloads = h('div', { class: 'downloads', 'data-testid': 'downloads' });
  const chartGrid = h('div', { class: 'chart-grid', 'data-testid': 'charts' });
  const diagHead = h('h2', { hidden: true }, 'Solver diagnostics');
  const diagGrid = h('div', { class: 'chart-grid small', 'data-testid': 'diagnostics' });
  const tbody = h('tbody', {});
  const table = h('table', { class: 'epochs', 'data-testid': 'epoch-table', id: 'epoch-table' },
    h('caption', { class: 'sr-only' }, 'Metrics per epoch'),
    h('thead', {}, h('tr', {}, ['Epoch', 'Train loss', 'Train acc', 'Test loss', 'Test acc', 'Objective', 'Time'].map((c) => h('th', { scope: 'col', class: c === 'Objective' ? 'col-objective' : null }, c)))),
    tbody);
  const specPre = h('pre', { class: 'code', 'data-testid': 'spec-json', id: 'spec-json', tabindex: 0 });
  const curlPre = h('pre', { class: 'code', 'data-testid': 'curl-command', id: 'curl-command', tabindex: 0 });
  const copyBtn = (pre: HTMLElement, what: string, testid: string) => {
    const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': testid }, `Copy ${what}`);
    b.addEventListener('click', async () => {
      const ok = await copyText(pre.textContent ?? '');
      b.textContent = ok ? 'Copied' : 'Select and copy by hand';
      setTimeout(() => (b.textContent = `Copy ${what}`), 1500);
    });
    return b;
  };

  const view = h('section', { class: 'view', 'data-testid': 'job-view', 'data-job-id': id, 'aria-labelledby': 'job-title-h' },
      h('div', { class: 'view-head' },
        h('div', { class: 'title-block', id: 'job-title-h' }, title, statusSlot),
        h('div', { class: 'actions' }, compareLink, cancelBtn)),
      h('div', { class: 'progress-line' }, progressText, progressBar),
      message, errorBox, meta,
      chartGrid,
      diagHead, diagGrid,
      h('h2', {}, 'Epochs'),
      h('div', { class: 'table-wrap table-scroll' }, table),
      h('h2', {}, 'Weights'), downloads,
      h('div', { class: 'two-col' },
        h('div', {}, h('div', { class: 'code-head' }, h('h2', {}, 'Spec'), copyBtn(specPre, 'JSON', 'copy-spec')), specPre),
        h('div', {}, h('div', { class: 'code-head' }, h('h2', {}, 'curl'), copyBtn(curlPre, 'command', 'copy-curl')), curlPre)));
  root.append(view);

  const lossChart = new LineChart({ title: 'Loss', yLabel: 'loss', testid: 'chart-loss' });
  const accChart = new LineChart({ title: 'Accuracy', yLabel: 'accuracy', yRange: [0, 1], testid: 'chart-accuracy' });
  chartGrid.append(lossChart.el, accChart.el);
  charts.set('loss', lossChart).set('accuracy', accChart);

  // What the header was last built from: its parts are rebuilt only when that changes, so a redraw for a new epoch
  // leaves the badge, the details and the links in place (a test or a screen reader holding them keeps them).
  let headerFor: Job | null = null;
  let headerKey = '';
  const renderHeader = () => {
    if (!job) return;
    const spec = job.spec;
    const last = store.last();
    const done = Math.max(job.epochsDone ?? 0, last?.epoch ?? 0);
    const n = spec?.epochs ?? last?.epochs ?? 0;
    progressText.textContent = `epoch ${done} / ${n}` + (job.status === 'QUEUED' && job.queuePosition ? ` · queued #${job.queuePosition}` : '');
    (progressBar.firstChild as HTMLElement).style.width = `${n ? Math.min(100, (100 * done) / n) : 0}%`;
    const hasWeights = done > 0;
    const key = [job.status, job.error, hasWeights, getToken() ? 'token' : ''].join('|');
    if (job === headerFor && key === headerKey) return;
    headerFor = job;
    headerKey = key;
    title.textContent = job.name || `Job ${job.id.slice(0, 8)}`;
    clear(statusSlot);
    statusSlot.append(statusBadge(job.status, 'job-status'));
    cancelBtn.disabled = FINAL.includes(job.status);
    errorBox.hidden = !job.error;
    errorBox.className = job.status === 'PRUNED' ? 'message pruned' : 'message error';
    errorBox.textContent = job.error ? `${job.status === 'PRUNED' ? 'Pruned' : 'Error'}: ${job.error}` : '';
    clear(meta);
    const item = (k: string, v: string) => [h('div', { class: 'kv' }, h('dt', {}, k), h('dd', {}, v))];
    meta.append(
      ...item('Algorithm', spec?.algorithm ?? '—'),
      ...item('Dataset', `${spec?.dataset ?? '—'}${spec?.task && spec.task !== 'classification' ? ` (${spec.task})` : ''}`),
      ...item('Architecture', `${arch(spec?.layers)} ${spec?.activation ?? ''}`),
      ...item('Loss', spec?.loss ?? '—'),
      ...item('Batch', String(spec?.batchSize ?? '—')),
      ...item('Created', fmtTime(job.createdAt)),
      ...item('Started', fmtTime(job.startedAt)),
      ...item('Finished', fmtTime(job.finishedAt)),
      // cluster mode: the node running the job (or that ran it last)
      ...(job.node ? [h('div', { class: 'kv', 'data-testid': 'job-node' }, h('dt', {}, job.status === 'RUNNING' ? 'Node' : 'Ran on'), h('dd', {}, job.node))] : []),
      ...((job.attempt ?? 1) > 1 ? item('Attempt', `${job.attempt} (resumed after a restart)`) : []),
    );
    clear(downloads);
    for (const f of FORMATS) {
      const href = `/jobs/${encodeURIComponent(job.id)}/weights?format=${f}`;
      const a = h('a', { class: `btn${hasWeights ? '' : ' disabled'}`, href, download: '', 'data-testid': `download-${f}`, 'aria-disabled': hasWeights ? null : 'true' }, `Download ${f}`);
      a.addEventListener('click', (ev) => {
        if (!hasWeights) {
          ev.preventDefault();
          return;
        }
        if (getToken()) {
          ev.preventDefault();
          download(href, `${job!.id}.${f}`).catch((e) => {
            message.className = 'message error';
            message.textContent = `Download failed: ${e instanceof ApiError ? e.message : String(e)}`;
          });
        }
      });
      downloads.append(a);
    }
    if (!hasWeights) downloads.append(h('span', { class: 'muted' }, ' Weights appear after the first epoch.'));
    const given = withoutNulls(spec);
    specPre.textContent = prettySpec(given);
    const auth = getToken() ? ` \\\n  -H "Authorization: Bearer $NOGRAD_TOKEN"` : '';
    curlPre.textContent = `curl -X POST '${location.origin}/jobs' \\\n  -H 'Content-Type: application/json'${auth} \\\n  -d '${JSON.stringify(given).replace(/'/g, `'\\''`)}'`;
  };

  let tableRows = 0;
  let lastTableEpoch = -1;
  let redraws = 0;
  const renderData = () => {
    // how often the view redrew, for tests and bench/results/dashboard.md (redraws per second of a fast job)
    view.dataset.redraws = String(++redraws);
    const rows = store.sorted();
    const x = rows.map((r) => r.epoch);
    const col = (k: keyof EpochRow) => rows.map((r) => (typeof r[k] === 'number' ? (r[k] as number) : null));
    lossChart.set(
      [{ label: 'train loss', color: PALETTE[0] }, { label: 'test loss', color: PALETTE[1], dash: [6, 4] }],
      x, [col('trainLoss'), col('testLoss')]);
    const hasAcc = rows.some((r) => r.trainAccuracy != null || r.testAccuracy != null);
    accChart.el.hidden = rows.length > 0 && !hasAcc;
    accChart.set(
      [{ label: 'train accuracy', color: PALETTE[0] }, { label: 'test accuracy', color: PALETTE[1], dash: [6, 4] }],
      x, [col('trainAccuracy'), col('testAccuracy')]);
    if (algorithm === undefined && job) loadAlgorithm(job.spec?.algorithm);
    // Objective and diagnostics wait for their definitions, so no panel is ever titled by a bare name.
    const typed = algorithm !== undefined;
    if (typed && rows.some((r) => typeof r.objective === 'number')) {
      let c = charts.get('objective');
      if (!c) {
        const d = algorithm?.objective;
        c = new LineChart({
          title: d ? `Objective: ${d.title}` : 'Solver objective',
          figure: d, definition: 'the solver\'s own objective (its definition could not be loaded)',
          yLabel: d ? axisLabel(d.unit) : 'objective', testid: 'chart-objective',
        });
        charts.set('objective', c);
        chartGrid.append(c.el);
      }
      c.set([{ label: 'objective', color: PALETTE[3] }], x, [col('objective')]);
    }
    // Diagnostics: one small chart per named array, one line per layer.
    const keys = new Set<string>();
    if (typed) for (const r of rows) for (const [k, v] of Object.entries(r.diagnostics ?? {})) if (Array.isArray(v)) keys.add(k);
    diagHead.hidden = keys.size === 0;
    for (const k of keys) {
      const layers = Math.max(...rows.map((r) => r.diagnostics?.[k]?.length ?? 0));
      const d = algorithm?.diagnostics?.find((x) => x.name === k);
      let c = charts.get(`diag:${k}`);
      if (!c) {
        c = new LineChart({
          title: d?.title ?? humanise(k), figure: d, definition: `${k} (not described by GET /algorithms)`,
          yLabel: d ? axisLabel(d.unit) : humanise(k).toLowerCase(), testid: `chart-diag-${k}`, height: 170,
        });
        charts.set(`diag:${k}`, c);
        diagGrid.append(c.el);
      }
      const labels = d?.components ?? null;
      // every other line dashed, so that two equal series (serial LPOM's "all work" and "critical path") both show
      const series = Array.from({ length: layers }, (_, i) => ({
        label: labels?.[i] ?? `layer ${i + 1}`, color: PALETTE[i % PALETTE.length], dash: i % 2 === 1 ? [6, 4] : undefined,
      }));
      const ys = series.map((_, i) => rows.map((r) => {
        const v = r.diagnostics?.[k]?.[i];
        return typeof v === 'number' ? v : null;
      }));
      c.set(series, x, ys);
    }
    table.classList.toggle('no-objective', !rows.some((r) => typeof r.objective === 'number'));
    // Rows only grow (sorted by epoch), so the table appends what is new; it is rebuilt only when a filled gap
    // changed what is already shown. Rebuilding thousands of rows every frame stalled the page on fast jobs.
    const prefixShown = tableRows > 0 && rows.length >= tableRows && rows[tableRows - 1].epoch === lastTableEpoch;
    if (!prefixShown) {
      clear(tbody);
      tableRows = 0;
    }
    for (let i = tableRows; i < rows.length; i++) {
      const r = rows[i];
      tbody.append(h('tr', { 'data-testid': 'epoch-row', 'data-epoch': r.epoch },
        h('td', { class: 'num' }, r.epoch),
        h('td', { class: 'num' }, fmtNum(r.trainLoss)),
        h('td', { class: 'num' }, fmtPct(r.trainAccuracy)),
        h('td', { class: 'num' }, fmtNum(r.testLoss)),
        h('td', { class: 'num' }, fmtPct(r.testAccuracy)),
        h('td', { class: 'num col-objective' }, fmtNum(r.objective ?? null)),
        h('td', { class: 'num' }, fmtSeconds(r.seconds ?? null))));
    }
    tableRows = rows.length;
    lastTableEpoch = rows.length ? rows[rows.length - 1].epoch : -1;
    if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, job && job.status === 'QUEUED' ? 'Waiting in the queue…' : 'No epoch finished yet.')));
    renderHeader();
  };
  const schedule = redrawer(renderData, REDRAW_MS);

  const fail = (e: unknown) => {
    if (disposed) return;
    message.className = 'message error';
    message.textContent = e instanceof ApiError && e.status === 404 ? 'No such job (it may have been deleted).' : `Could not load the job: ${e instanceof Error ? e.message : String(e)}`;
  };

  let algorithmRequested = false;
  const loadAlgorithm = (name: string | undefined) => {
    if (algorithmRequested || !name) return;
    algorithmRequested = true;
    api.algorithms().then((list) => {
      algorithm = list.find((a) => a.name === name) ?? null;
    }, () => {
      algorithm = null;
    }).finally(() => {
      if (!disposed) schedule();
    });
  };

  /** Fetches the job and all its epochs; live rows that arrive meanwhile are kept. */
  const resync = async () => {
    const since = performance.now();
    try {
      const [j, rows] = await Promise.all([api.job(id), api.metrics(id)]);
      if (disposed) return;
      job = j;
      loaded = true;
      store.replace(rows, since);
      message.textContent = '';
      message.className = 'message';
      schedule.now();
    } catch (e) {
      fail(e);
    }
  };

  const onMessage = (m: LiveMessage) => {
    if (m.jobId && m.jobId !== id) return;
    if (m.type === 'epoch') {
      store.upsert(m);
      if (job && job.status === 'QUEUED') job.status = 'RUNNING';
      schedule();
    } else {
      if (job) {
        job.status = m.status;
        if (m.error !== undefined) job.error = m.error;
      }
      schedule.now();
      // Timestamps, error text, final epochsDone: ask the server.
      api.job(id).then((j) => {
        if (!disposed) {
          job = j;
          schedule.now();
        }
      }).catch(() => {});
    }
  };

  cancelBtn.addEventListener('click', async () => {
    cancelBtn.disabled = true;
    try {
      const j = await api.cancel(id);
      if (j && j.id) job = j;
      else await resync();
      schedule.now();
    } catch (e) {
      message.className = 'message error';
      message.textContent = `Cancel failed: ${e instanceof ApiError ? e.message : String(e)}`;
      cancelBtn.disabled = false;
    }
  });

  const feed = new LiveFeed(id, {
    onMessage,
    onOpen: (reconnected) => {
      if (reconnected || !loaded) resync();
    },
    shouldReconnect: () => !(job && FINAL.includes(job.status)),
  }).start();
  resync();
  renderData();

  return () => {
    disposed = true;
    schedule.cancel();
    feed.stop();
    for (const c of charts.values()) c.destroy();
  };
}

/** The spec without its null fields (the server's defaults), as a user would have written it. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

/** Indented JSON with arrays of numbers kept on one line ("layers": [784, 500, 10]). */
function prettySpec(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/\[\s*((?:-?[\d.eE+-]+\s*,\s*)*-?[\d.eE+-]+)\s*\]/g, (_m, body: string) => `[${body.split(/\s*,\s*/).join(', ')}]`);
}

function humanise(key: string): string {
  const s = key.replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`).replace(/[_-]+/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
