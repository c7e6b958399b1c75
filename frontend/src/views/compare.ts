// Compare: pick several jobs and overlay their curves on shared axes (this solver against Adam on
// the same data). Running jobs keep growing through the all-jobs WebSocket.
import { api, ApiError } from '../api';
import { LineChart, PALETTE } from '../charts';
import { LiveFeed } from '../live';
import { EpochStore } from '../series';
import type { EpochRow, Job, LiveMessage } from '../types';
import { arch, clear, fmtNum, fmtPct, h, REDRAW_MS, redrawer, statusBadge } from '../util';

const METRICS: { key: keyof EpochRow; title: string; y: string; range?: [number, number] }[] = [
  { key: 'testAccuracy', title: 'Test accuracy', y: 'accuracy', range: [0, 1] },
  { key: 'testLoss', title: 'Test loss', y: 'loss' },
  { key: 'trainAccuracy', title: 'Train accuracy', y: 'accuracy', range: [0, 1] },
  { key: 'trainLoss', title: 'Train loss', y: 'loss' },
];

export function mountCompare(root: HTMLElement, query: URLSearchParams): () => void {
  let disposed = false;
  let jobs: Job[] = [];
  const picked: string[] = (query.get('ids') ?? '').split(',').map((s) => decodeURIComponent(s.trim())).filter(Boolean);
  const stores = new Map<string, EpochStore>();
  const colors = new Map<string, string>();

  const picker = h('fieldset', { class: 'picker', 'data-testid': 'compare-picker' }, h('legend', {}, 'Jobs to overlay'));
  const pickList = h('div', { class: 'pick-list' });
  picker.append(pickList);
  const message = h('div', { class: 'message', role: 'status' });
  const grid = h('div', { class: 'chart-grid', 'data-testid': 'compare-charts' });
  const summaryBody = h('tbody', {});
  const summary = h('table', { class: 'summary', 'data-testid': 'compare-summary' },
    h('caption', { class: 'sr-only' }, 'Compared jobs'),
    h('thead', {}, h('tr', {}, ['', 'Job', 'Algorithm', 'Dataset', 'Architecture', 'Status', 'Epochs', 'Best test acc', 'Last test loss'].map((c) => h('th', { scope: 'col' }, c)))),
    summaryBody);
  root.append(h('section', { class: 'view', 'data-testid': 'compare-view', 'aria-labelledby': 'cmp-h' },
    h('h1', { id: 'cmp-h' }, 'Compare'),
    h('p', { class: 'muted' }, 'Tick jobs to overlay their curves on shared axes.'),
    message,
    h('div', { class: 'compare-layout' }, picker, h('div', { class: 'compare-main' }, grid, h('div', { class: 'table-wrap' }, summary)))));

  const charts = METRICS.map((m) => new LineChart({ title: m.title, yLabel: m.y, yRange: m.range, testid: `compare-chart-${m.key}` }));
  for (const c of charts) grid.append(c.el);

  const colorOf = (id: string) => {
    if (!colors.has(id)) {
      const used = new Set(colors.values());
      colors.set(id, PALETTE.find((c) => !used.has(c)) ?? PALETTE[colors.size % PALETTE.length]);
    }
    return colors.get(id)!;
  };
  const label = (j: Job | undefined, id: string) => (j ? `${j.name || id.slice(0, 8)} (${j.spec?.algorithm})` : id.slice(0, 8));

  const render = () => {
    const sel = picked.filter((id) => stores.has(id));
    const epochs = new Set<number>();
    for (const id of sel) for (const r of stores.get(id)!.sorted()) epochs.add(r.epoch);
    const x = [...epochs].sort((a, b) => a - b);
    const series = sel.map((id) => ({ label: label(jobs.find((j) => j.id === id), id), color: colorOf(id) }));
    METRICS.forEach((m, i) => {
      const ys = sel.map((id) => {
        const byEpoch = new Map(stores.get(id)!.sorted().map((r) => [r.epoch, r]));
        return x.map((e) => {
          const v = byEpoch.get(e)?.[m.key];
          return typeof v === 'number' ? v : null;
        });
      });
      charts[i].set(series, x, ys);
    });
    grid.dataset.jobs = String(sel.length);
    clear(summaryBody);
    for (const id of sel) {
      const j = jobs.find((x) => x.id === id);
      const rows = stores.get(id)!.sorted();
      const best = rows.reduce<number | null>((b, r) => (r.testAccuracy != null && (b === null || r.testAccuracy > b) ? r.testAccuracy : b), null);
      summaryBody.append(h('tr', { 'data-testid': 'compare-row', 'data-job-id': id },
        h('td', {}, h('span', { class: 'swatch', style: `background:${colorOf(id)}`, 'aria-hidden': 'true' })),
        h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(id)}` }, j?.name || id.slice(0, 8))),
        h('td', {}, j?.spec?.algorithm ?? '—'),
        h('td', {}, j?.spec?.dataset ?? '—'),
        h('td', { class: 'mono' }, arch(j?.spec?.layers)),
        h('td', {}, j ? statusBadge(j.status, 'compare-status') : '—'),
        h('td', { class: 'num' }, `${rows.length} / ${j?.spec?.epochs ?? '?'}`),
        h('td', { class: 'num' }, fmtPct(best)),
        h('td', { class: 'num' }, fmtNum(rows[rows.length - 1]?.testLoss ?? null))));
    }
    if (!sel.length) summaryBody.append(h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'Nothing picked yet.')));
  };
  const schedule = redrawer(render, REDRAW_MS);

  const fetchMetrics = async (id: string) => {
    const since = performance.now();
    try {
      const rows = await api.metrics(id);
      if (disposed) return;
      const s = stores.get(id) ?? new EpochStore();
      s.replace(rows, since);
      stores.set(id, s);
      schedule();
    } catch (e) {
      if (!disposed) message.textContent = `Could not load metrics of ${id}: ${e instanceof ApiError ? e.message : String(e)}`;
    }
  };

  const syncUrl = () => history.replaceState(null, '', `#/compare${picked.length ? `?ids=${picked.map(encodeURIComponent).join(',')}` : ''}`);

  const renderPicker = () => {
    clear(pickList);
    if (!jobs.length) pickList.append(h('p', { class: 'muted' }, 'No jobs yet.'));
    for (const j of jobs) {
      const box = h('input', { type: 'checkbox', id: `pick-${j.id}`, 'data-testid': 'compare-pick', 'data-job-id': j.id, checked: picked.includes(j.id) });
      box.addEventListener('change', () => {
        const i = picked.indexOf(j.id);
        if (box.checked && i < 0) {
          picked.push(j.id);
          fetchMetrics(j.id);
        } else if (!box.checked && i >= 0) {
          picked.splice(i, 1);
          schedule();
        }
        syncUrl();
      });
      pickList.append(h('label', { class: 'pick', for: `pick-${j.id}` }, box,
        h('span', { class: 'pick-name' }, j.name || j.id.slice(0, 8)),
        h('span', { class: 'muted' }, ` ${j.spec?.algorithm} · ${j.spec?.dataset} · ${arch(j.spec?.layers)} · ${j.status.toLowerCase()}`)));
    }
  };

  const loadJobs = async () => {
    try {
      const page = await api.jobs({ limit: 200 });
      if (disposed) return;
      jobs = page.jobs;
      renderPicker();
      schedule();
    } catch (e) {
      if (!disposed) {
        message.className = 'message error';
        message.textContent = `Could not load jobs: ${e instanceof ApiError ? e.message : String(e)}`;
      }
    }
  };

  const onMessage = (m: LiveMessage) => {
    if (!picked.includes(m.jobId)) return;
    if (m.type === 'epoch') {
      const s = stores.get(m.jobId) ?? new EpochStore();
      s.upsert(m);
      stores.set(m.jobId, s);
      schedule();
    } else {
      const j = jobs.find((x) => x.id === m.jobId);
      if (j) j.status = m.status;
      schedule.now();
    }
  };

  const feed = new LiveFeed(undefined, {
    onMessage,
    onOpen: (re) => {
      if (re) {
        loadJobs();
        for (const id of picked) fetchMetrics(id);
      }
    },
  }).start();
  loadJobs();
  for (const id of picked) fetchMetrics(id);

  return () => {
    disposed = true;
    schedule.cancel();
    feed.stop();
    for (const c of charts) c.destroy();
  };
}
