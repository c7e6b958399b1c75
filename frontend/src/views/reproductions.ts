// Reproductions: the papers' tables and figures as presets (start one at quick or paper scale), and a run's
// view: per metric the paper's figure | ours | Δ for every configuration, ⚑ where |Δ| exceeds the tolerance.
import { api, ApiError } from '../api';
import { LiveFeed } from '../live';
import type { Reproduction, SweepTable } from '../types';
import { clear, coalesce, fmtNum, fmtTime, h, statusBadge } from '../util';

function label(coords: unknown): string {
  if (coords === null || typeof coords !== 'object') return String(coords);
  return Object.entries(coords as Record<string, unknown>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`)
    .join(', ');
}

export function mountReproductions(root: HTMLElement): () => void {
  let disposed = false;
  const list = h('div', { 'data-testid': 'repro-list', class: 'repro-list' });
  const message = h('div', { class: 'message', role: 'status', 'data-testid': 'repro-message' });
  root.append(h('section', { class: 'view', 'data-testid': 'repro-view', 'aria-labelledby': 'repro-h' },
    h('div', { class: 'view-head' }, h('h1', { id: 'repro-h' }, 'Reproductions')),
    h('p', { class: 'muted' }, 'Each paper\'s experiment as a sweep preset with the paper\'s numbers: quick is a smoke check in minutes, '
      + 'paper the paper\'s full setting. The run\'s table shows paper | ours | Δ; ⚑ marks a gap above the tolerance.'),
    message, list));

  const start = async (r: Reproduction, scale: string, btn: HTMLButtonElement) => {
    btn.disabled = true;
    try {
      const s = await api.runReproduction(r.id, scale);
      location.hash = `#/reproductions/runs/${encodeURIComponent(s.id)}`;
    } catch (e) {
      message.textContent = e instanceof ApiError ? `Could not start ${r.id}: ${e.message}` : String(e);
      message.classList.add('error');
      btn.disabled = false;
    }
  };

  const load = async () => {
    try {
      const cat = await api.reproductions();
      const details = await Promise.all(cat.reproductions.map((r) => api.reproduction(r.id)));
      if (disposed) return;
      clear(list);
      for (const r of details) {
        const buttons = r.scales.map((s) => {
          const b = h('button', { type: 'button', class: s.scale === 'quick' ? 'btn btn-primary' : 'btn', 'data-testid': `repro-run-${s.scale}`,
            title: s.note }, `Run ${s.scale} (${s.cells} job${s.cells === 1 ? '' : 's'})`);
          b.addEventListener('click', () => start(r, s.scale, b));
          return b;
        });
        const runs = r.runs ?? [];
        list.append(h('article', { class: 'card repro', 'data-testid': 'repro-card', 'data-repro-id': r.id },
          h('h2', {}, `${r.figure}: ${r.title}`),
          h('p', { class: 'muted' }, r.paper, ' — ', h('span', { class: 'mono' }, r.file), ` (v${r.version})`),
          h('p', { 'data-testid': 'repro-setting' }, r.setting),
          h('ul', { class: 'muted' }, r.scales.map((s) => h('li', {}, h('b', {}, s.scale), `: ${s.note}; ${s.cells} job${s.cells === 1 ? '' : 's'}, seeds ${s.seeds.join(', ')}`))),
          r.figures.length ? h('p', { class: 'muted' }, `${r.figures.length} figures from the paper, e.g. ${r.figures[0].printed} (${r.figures[0].source})`)
            : h('p', { class: 'muted' }, 'The paper prints no number for this experiment: the table has ours only.'),
          h('div', { class: 'toolbar' }, ...buttons),
          runs.length ? h('p', {}, 'Runs: ', ...runs.flatMap((run, i) => [i ? ' · ' : '',
            h('a', { href: `#/reproductions/runs/${encodeURIComponent(run.sweepId)}`, 'data-testid': 'repro-run-link' },
              `${run.scale}, ${fmtTime(run.createdAt)}`), ' ', statusBadge(run.status, 'repro-run-status')])) : null));
      }
      message.textContent = '';
    } catch (e) {
      if (!disposed) message.textContent = e instanceof ApiError ? `Could not load the reproductions: ${e.message}` : String(e);
    }
  };
  load();
  return () => {
    disposed = true;
  };
}

/** A run: per metric with paper figures, one row per configuration: paper | ours | Δ (points) | where printed. */
export function mountReproductionRun(root: HTMLElement, sweepId: string): () => void {
  let disposed = false;
  const title = h('h1', { 'data-testid': 'repro-run-name' }, 'Reproduction');
  const status = h('span', {});
  const summary = h('p', { class: 'muted', 'data-testid': 'repro-summary' });
  const tables = h('div', { 'data-testid': 'repro-tables' });
  const message = h('div', { class: 'message', role: 'status' });
  root.append(h('section', { class: 'view', 'data-testid': 'repro-run-view' },
    h('div', { class: 'view-head' }, title, status,
      h('a', { href: `#/sweeps/${encodeURIComponent(sweepId)}`, class: 'btn btn-small', 'data-testid': 'repro-sweep-link' }, 'Sweep view'),
      h('a', { href: '#/reproductions', class: 'btn btn-small' }, 'All reproductions')),
    summary, message, tables));

  const render = (t: SweepTable): HTMLElement => {
    const cmp = t.comparison;
    const points = t.metric.endsWith('Accuracy');
    const body = h('tbody', {});
    t.rowValues.forEach((rv, i) => {
      const ours = t.values[i][0];
      const c = cmp?.cells[i]?.[0] ?? null;
      body.append(h('tr', { 'data-testid': 'repro-row', 'data-flagged': c?.flagged ? 'true' : null, class: c?.flagged ? 'flagged' : '' },
        h('th', { scope: 'row', class: 'mono' }, label(rv)),
        h('td', { class: 'num', 'data-testid': 'repro-paper' }, c ? (c.bound === 'at-least' ? '≥ ' : c.bound === 'at-most' ? '≤ ' : '') + fmtNum(c.reference) : h('span', { class: 'muted' }, 'ours only')),
        h('td', { class: 'num', 'data-testid': 'repro-ours' }, ours.mean === null ? '—' : fmtNum(ours.mean) + (ours.std !== null ? ` ± ${fmtNum(ours.std, 2)}` : '')),
        h('td', { class: 'num', 'data-testid': 'repro-delta' }, c && c.delta !== null ? `${c.delta >= 0 ? '+' : ''}${(c.delta * (points ? 100 : 1)).toFixed(2)}` : '—',
          c?.flagged ? h('span', { class: 'flag', title: `${c.bound ? 'beyond the paper\'s bound by more than' : '|Δ| above'} ${points ? (cmp!.tolerance * 100).toFixed(2) + ' points' : cmp!.tolerance}` }, ' ⚑') : null),
        h('td', { class: 'muted small' }, c?.source ?? '')));
    });
    return h('div', { class: 'table-wrap' },
      h('h2', {}, t.metric, cmp ? h('span', { class: 'muted small' }, ` — ${cmp.flagged} of ${cmp.figures} figures flagged`) : null),
      h('table', { class: 'jobs repro-table', 'data-testid': 'repro-table', 'data-metric': t.metric },
        h('thead', {}, h('tr', {}, ...['Configuration', 'Paper', 'Ours', points ? 'Δ (points)' : 'Δ', 'Printed in'].map((x) => h('th', { scope: 'col' }, x)))),
        body));
  };

  const load = async () => {
    try {
      const first = await api.sweepTable(sweepId, {});
      const metrics = first.comparison?.metrics.length ? first.comparison.metrics : [first.metric];
      const all = await Promise.all(metrics.map((m) => (m === first.metric ? Promise.resolve(first) : api.sweepTable(sweepId, { metric: m }))));
      if (disposed) return;
      const s = first.sweep;
      title.textContent = s.name;
      clear(status);
      status.append(statusBadge(s.status, 'repro-run-status'));
      const p = s.progress;
      summary.textContent = `${p.succeeded + p.pruned + p.failed + p.cancelled} of ${p.cells} jobs ended (${p.running} running, ${p.pending + p.queued} waiting, `
        + `${p.failed} failed) — ${first.comparison?.label ?? ''}`;
      clear(tables);
      for (const t of all) tables.append(render(t));
      message.textContent = '';
      if (s.status === 'RUNNING' && p.pending + p.queued + p.running === 0) window.setTimeout(() => !disposed && load(), 500);
    } catch (e) {
      if (!disposed) message.textContent = e instanceof ApiError ? `Could not load the run: ${e.message}` : String(e);
    }
  };
  const reload = coalesce(load, 1000);
  const feed = new LiveFeed(undefined, { onMessage: (m) => m.type === 'status' && reload(), onOpen: (re) => re && load() }).start();
  load();
  return () => {
    disposed = true;
    reload.cancel();
    feed.stop();
  };
}
