// Jobs list: every job with status, algorithm, dataset, architecture, progress, latest test
// metrics and queue position; filters; live through the all-jobs WebSocket.
import { api, ApiError } from '../api';
import { LiveFeed } from '../live';
import { STATUSES, type Job, type LiveMessage } from '../types';
import { mountClusterPanel } from './cluster';
import { arch, clear, coalesce, fmtNum, fmtPct, fmtTime, h, REDRAW_MS, redrawer, statusBadge } from '../util';

const filters = { status: '', algorithm: '' };
const selected = new Set<string>();

export function mountJobs(root: HTMLElement): () => void {
  let jobs: Job[] = [];
  let total = 0;
  let disposed = false;

  const statusSel = h('select', { id: 'filter-status', 'data-testid': 'filter-status' },
    h('option', { value: '' }, 'any status'), STATUSES.map((s) => h('option', { value: s }, s.toLowerCase())));
  const algoSel = h('select', { id: 'filter-algorithm', 'data-testid': 'filter-algorithm' }, h('option', { value: '' }, 'any algorithm'));
  statusSel.value = filters.status;
  const compareBtn = h('button', { type: 'button', id: 'compare-selected', 'data-testid': 'compare-selected', class: 'btn' }, 'Compare selected');
  const summary = h('p', { class: 'muted', 'data-testid': 'jobs-summary', 'aria-live': 'polite' });
  const message = h('div', { class: 'message', role: 'status' });
  const tbody = h('tbody', { 'data-testid': 'jobs-tbody' });
  const table = h('table', { class: 'jobs cards-when-narrow', 'data-testid': 'jobs-table', id: 'jobs-table' },
    h('caption', { class: 'sr-only' }, 'Training jobs, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'select for compare')),
      ...['Job', 'Status', 'Algorithm', 'Dataset', 'Architecture', 'Progress', 'Test acc', 'Test loss', 'Queue', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);

  root.append(
    h('section', { class: 'view', 'data-testid': 'jobs-view', 'aria-labelledby': 'jobs-h' },
      h('div', { class: 'view-head' },
        h('h1', { id: 'jobs-h' }, 'Jobs'),
        h('a', { href: '#/new', class: 'btn btn-primary', 'data-testid': 'new-job-link' }, 'New job')),
      h('div', { class: 'toolbar' },
        h('label', { for: 'filter-status' }, 'Status ', statusSel),
        h('label', { for: 'filter-algorithm' }, 'Algorithm ', algoSel),
        compareBtn),
      message,
      h('div', { class: 'table-wrap' }, table),
      summary));
  const cluster = mountClusterPanel(root.querySelector<HTMLElement>('[data-testid="jobs-view"]')!);

  const updateCompareBtn = () => {
    compareBtn.disabled = selected.size < 1;
    compareBtn.textContent = selected.size ? `Compare selected (${selected.size})` : 'Compare selected';
  };
  updateCompareBtn();
  compareBtn.addEventListener('click', () => {
    location.hash = `#/compare?ids=${[...selected].map(encodeURIComponent).join(',')}`;
  });

  const row = (j: Job): HTMLTableRowElement => {
    const n = j.spec?.epochs ?? 0;
    const done = j.latest?.epoch ?? j.epochsDone ?? 0;
    const pct = n ? Math.min(100, (100 * done) / n) : 0;
    const box = h('input', { type: 'checkbox', 'data-testid': 'job-select', 'aria-label': `select ${j.name || j.id} for compare`, checked: selected.has(j.id) });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(j.id);
      else selected.delete(j.id);
      updateCompareBtn();
    });
    const cell = (label: string, attrs: Record<string, string>, ...children: (Node | string)[]) => h('td', { 'data-label': label, ...attrs }, ...children);
    return h('tr', { 'data-testid': 'job-row', 'data-job-id': j.id, 'data-status': j.status },
      cell('', { class: 'pick-cell' }, box),
      cell('Job', { class: 'name' }, h('a', { href: `#/jobs/${encodeURIComponent(j.id)}`, 'data-testid': 'job-link' }, j.name || j.id.slice(0, 8))),
      cell('Status', {}, statusBadge(j.status, 'job-status')),
      cell('Algorithm', { 'data-testid': 'job-algorithm' }, j.spec?.algorithm ?? '—'),
      cell('Dataset', {}, j.spec?.dataset ?? '—'),
      cell('Architecture', { class: 'mono' }, arch(j.spec?.layers)),
      cell('Progress', { 'data-testid': 'job-progress' },
        h('span', { class: 'progress-text' }, `${done} / ${n}`),
        h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${pct}%` }))),
      cell('Test acc', { class: 'num', 'data-testid': 'job-test-acc' }, fmtPct(j.latest?.testAccuracy)),
      cell('Test loss', { class: 'num', 'data-testid': 'job-test-loss' }, fmtNum(j.latest?.testLoss)),
      cell('Queue', { class: 'num', 'data-testid': 'job-queue' }, j.status === 'QUEUED' && j.queuePosition ? `#${j.queuePosition}` : ''),
      cell('Created', { class: 'when' }, fmtTime(j.createdAt)));
  };

  const render = () => {
    clear(tbody);
    if (!jobs.length) {
      tbody.append(h('tr', {}, h('td', { colspan: 11, class: 'empty' },
        filters.status || filters.algorithm ? 'No job matches these filters.' : 'No jobs yet. ', !filters.status && !filters.algorithm ? h('a', { href: '#/new' }, 'Create one') : null)));
    }
    for (const j of jobs) tbody.append(row(j));
    summary.textContent = total > jobs.length ? `Showing the newest ${jobs.length} of ${total} jobs.` : `${total} job${total === 1 ? '' : 's'}.`;
    updateCompareBtn();
  };

  const load = async () => {
    try {
      const page = await api.jobs({ status: filters.status, algorithm: filters.algorithm, limit: 200 });
      if (disposed) return;
      jobs = page.jobs;
      total = page.total;
      message.textContent = '';
      message.className = 'message';
      render();
    } catch (e) {
      if (disposed) return;
      message.className = 'message error';
      message.textContent = e instanceof ApiError ? `Could not load jobs: ${e.message}` : String(e);
    }
  };
  const reload = coalesce(load, 250);

  statusSel.addEventListener('change', () => {
    filters.status = statusSel.value;
    load();
  });
  algoSel.addEventListener('change', () => {
    filters.algorithm = algoSel.value;
    load();
  });

  api.algorithms().then((algos) => {
    if (disposed) return;
    for (const a of algos) algoSel.append(h('option', { value: a.name }, a.name));
    algoSel.value = filters.algorithm;
  }).catch(() => {});

  // Rows whose job sent epochs since the last redraw; redrawn together, a few times a second at most.
  const stale = new Set<string>();
  const redrawRows = redrawer(() => {
    for (const jid of stale) {
      const j = jobs.find((x) => x.id === jid);
      const old = tbody.querySelector(`tr[data-job-id="${CSS.escape(jid)}"]`);
      if (j && old) old.replaceWith(row(j));
    }
    stale.clear();
  }, REDRAW_MS);

  const onMessage = (m: LiveMessage) => {
    const j = jobs.find((x) => x.id === m.jobId);
    if (!j) {
      reload();
      return;
    }
    if (m.type === 'epoch') {
      if (!j.latest || m.epoch >= j.latest.epoch) j.latest = m;
      j.epochsDone = Math.max(j.epochsDone ?? 0, m.epoch);
      if (j.status === 'QUEUED') j.status = 'RUNNING';
      stale.add(j.id);
      redrawRows();
    } else {
      // A status change moves queue positions and filter membership: ask the server.
      j.status = m.status;
      reload();
      cluster.refresh();
    }
  };

  const feed = new LiveFeed(undefined, { onMessage, onOpen: (re) => re && load() }).start();
  load();

  return () => {
    disposed = true;
    reload.cancel();
    redrawRows.cancel();
    feed.stop();
    cluster.stop();
  };
}
