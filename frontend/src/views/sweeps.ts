// Sweeps: the list (progress of each), and one sweep's view: its progress, the pivot table as a heat map
// (coloured by the metric, best cell outlined, pruned cells marked with their epoch), each sweep cell a
// chip that opens its job and can be ticked to overlay its curves in compare.
import { api, ApiError } from '../api';
import { LiveFeed } from '../live';
import type { LiveMessage, Sweep, SweepCell, SweepTable } from '../types';
import { clear, coalesce, fmtNum, fmtTime, h, statusBadge } from '../util';

const METRICS = ['testAccuracy', 'trainAccuracy', 'testLoss', 'trainLoss', 'objective'];

function progressBar(s: Sweep): HTMLElement {
  const p = s.progress;
  const ended = p.succeeded + p.pruned + p.failed + p.cancelled;
  const pct = p.cells ? (100 * ended) / p.cells : 0;
  return h('span', { 'data-testid': 'sweep-progress' },
    h('span', { class: 'progress-text' }, `${ended} / ${p.cells} cells`),
    h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${pct}%` })));
}

function counts(s: Sweep): string {
  const p = s.progress;
  const parts = [`${p.succeeded} succeeded`, `${p.pruned} pruned`];
  if (p.running) parts.push(`${p.running} running`);
  if (p.queued) parts.push(`${p.queued} queued`);
  if (p.pending) parts.push(`${p.pending} waiting`);
  if (p.failed) parts.push(`${p.failed} failed`);
  if (p.cancelled) parts.push(`${p.cancelled} cancelled`);
  return parts.join(' · ') + ` — ${p.epochsDone} of ${p.epochsPlanned} epochs`;
}

export function mountSweeps(root: HTMLElement): () => void {
  let disposed = false;
  const tbody = h('tbody', { 'data-testid': 'sweeps-tbody' });
  const message = h('div', { class: 'message', role: 'status' });
  root.append(h('section', { class: 'view', 'data-testid': 'sweeps-view', 'aria-labelledby': 'sweeps-h' },
    h('div', { class: 'view-head' }, h('h1', { id: 'sweeps-h' }, 'Sweeps')),
    h('p', { class: 'muted' }, 'A sweep is a grid or random search of jobs posted as one request (POST /sweeps; see docs/server.md).'),
    message,
    h('div', { class: 'table-wrap' }, h('table', { class: 'jobs cards-when-narrow', 'data-testid': 'sweeps-table' },
      h('thead', {}, h('tr', {}, ...['Sweep', 'Status', 'Swept', 'Progress', 'Pruning', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody))));
  const load = async () => {
    try {
      const page = await api.sweeps();
      if (disposed) return;
      clear(tbody);
      if (!page.sweeps.length) tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No sweeps yet.')));
      for (const s of page.sweeps) {
        tbody.append(h('tr', { 'data-testid': 'sweep-row', 'data-sweep-id': s.id },
          h('td', { 'data-label': 'Sweep', class: 'name' }, h('a', { href: `#/sweeps/${encodeURIComponent(s.id)}`, 'data-testid': 'sweep-link' }, s.name)),
          h('td', { 'data-label': 'Status' }, statusBadge(s.status, 'sweep-status')),
          h('td', { 'data-label': 'Swept', class: 'mono' }, s.paths.join(' × ')),
          h('td', { 'data-label': 'Progress' }, progressBar(s)),
          h('td', { 'data-label': 'Pruning' }, s.prune ? `${s.prune.rule} on ${s.prune.metric}` : '—'),
          h('td', { 'data-label': 'Created', class: 'when' }, fmtTime(s.createdAt))));
      }
      message.textContent = '';
    } catch (e) {
      if (!disposed) message.textContent = e instanceof ApiError ? `Could not load sweeps: ${e.message}` : String(e);
    }
  };
  const reload = coalesce(load, 1000);
  const feed = new LiveFeed(undefined, { onMessage: (m: LiveMessage) => m.type === 'status' && reload(), onOpen: (re) => re && load() }).start();
  load();
  return () => {
    disposed = true;
    reload.cancel();
    feed.stop();
  };
}

/** Light red → yellow → green for worst → best. */
function heat(t: number): string {
  const hue = 130 * Math.max(0, Math.min(1, t));
  return `hsl(${hue.toFixed(0)} ${hue > 90 ? 55 : 72}% ${hue > 90 ? 72 : 82}%)`;
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.join('-');
  return typeof v === 'number' ? fmtNum(v) : String(v);
}

export function mountSweepView(root: HTMLElement, id: string): () => void {
  let disposed = false;
  let sweep: Sweep | null = null;
  const ticked = new Set<string>();
  const title = h('h1', { 'data-testid': 'sweep-name' }, 'Sweep');
  const status = h('span', {});
  const summary = h('p', { class: 'muted', 'data-testid': 'sweep-counts' });
  const bar = h('div', {});
  const message = h('div', { class: 'message', role: 'status' });
  const rowsSel = h('select', { id: 'sweep-rows', 'data-testid': 'sweep-rows' });
  const colsSel = h('select', { id: 'sweep-cols', 'data-testid': 'sweep-cols' });
  const metricSel = h('select', { id: 'sweep-metric', 'data-testid': 'sweep-metric' }, METRICS.map((m) => h('option', { value: m }, m)));
  const statSel = h('select', { id: 'sweep-stat', 'data-testid': 'sweep-stat' }, h('option', { value: 'final' }, 'final'), h('option', { value: 'best' }, 'best'));
  const compareBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'sweep-compare' }, 'Overlay ticked');
  const cancelBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'sweep-cancel' }, 'Cancel sweep');
  const mapWrap = h('div', { class: 'table-wrap', 'data-testid': 'sweep-heatmap' });
  const legend = h('p', { class: 'muted' });
  const pruned = h('ul', { 'data-testid': 'sweep-pruned-list' });

  root.append(h('section', { class: 'view', 'data-testid': 'sweep-view' },
    h('div', { class: 'view-head' }, title, status, h('a', { href: '#/sweeps', class: 'btn btn-small' }, 'All sweeps')),
    bar, summary, message,
    h('div', { class: 'toolbar' },
      h('label', { for: 'sweep-rows' }, 'Rows ', rowsSel), h('label', { for: 'sweep-cols' }, 'Columns ', colsSel),
      h('label', { for: 'sweep-metric' }, 'Metric ', metricSel), h('label', { for: 'sweep-stat' }, 'Value ', statSel),
      compareBtn, cancelBtn),
    mapWrap, legend,
    h('h2', {}, 'Pruned cells'), pruned));

  const updateCompare = () => {
    compareBtn.disabled = ticked.size < 1;
    compareBtn.textContent = ticked.size ? `Overlay ticked (${ticked.size})` : 'Overlay ticked';
  };
  updateCompare();
  compareBtn.addEventListener('click', () => {
    location.hash = `#/compare?ids=${[...ticked].map(encodeURIComponent).join(',')}`;
  });
  cancelBtn.addEventListener('click', async () => {
    try {
      await api.cancelSweep(id);
      load();
    } catch (e) {
      message.textContent = e instanceof ApiError ? e.message : String(e);
    }
  });

  const chip = (c: SweepCell): HTMLElement => {
    const seed = c.coordinates.seed;
    const label = `seed ${seed}` + (c.pruned ? ` ✂${c.pruned.epoch}` : c.status === 'SUCCEEDED' ? '' : ` ${c.status.toLowerCase()}`);
    const attrs = { class: `chip${c.status === 'PRUNED' ? ' pruned' : ''}`, 'data-testid': 'sweep-cell', 'data-status': c.status,
      'data-job-id': c.jobId ?? '', title: c.pruned ? c.pruned.reason : `cell ${c.index}: ${c.status}` };
    if (!c.jobId) return h('span', attrs, label);
    const box = h('input', { type: 'checkbox', 'data-testid': 'sweep-cell-tick', 'aria-label': `overlay cell ${c.index}`, checked: ticked.has(c.jobId) });
    box.addEventListener('click', (e) => e.stopPropagation());
    box.addEventListener('change', () => {
      if (box.checked) ticked.add(c.jobId!);
      else ticked.delete(c.jobId!);
      updateCompare();
    });
    return h('span', attrs, box, h('a', { href: `#/jobs/${encodeURIComponent(c.jobId)}`, 'data-testid': 'sweep-cell-link' }, label));
  };

  const renderMap = (s: Sweep, t: SweepTable) => {
    const cells = s.cells ?? [];
    const key = (v: unknown) => JSON.stringify(v);
    const higher = t.metric.endsWith('Accuracy');
    const means = t.values.flat().map((x) => x.mean).filter((x): x is number => x !== null);
    const lo = Math.min(...means);
    const hi = Math.max(...means);
    const bestJob = s.best?.jobId ?? null;
    const table = h('table', { class: 'heat', 'data-testid': 'heatmap-table' });
    table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.cols ? `${t.rows} \\ ${t.cols}` : t.rows),
      ...t.colValues.map((c) => h('th', { scope: 'col' }, t.cols ? show(c) : t.metric)))));
    const body = h('tbody', {});
    t.rowValues.forEach((rv, i) => {
      const tr = h('tr', {}, h('th', { scope: 'row' }, show(rv)));
      t.colValues.forEach((cv, j) => {
        const st = t.values[i][j];
        const members = cells.filter((c) => key(c.coordinates[t.rows]) === key(rv) && (!t.cols || key(c.coordinates[t.cols]) === key(cv)));
        const isBest = bestJob !== null && members.some((c) => c.jobId === bestJob);
        const bg = st.mean === null ? '#f3f4f6' : heat(hi > lo ? (higher ? (st.mean - lo) / (hi - lo) : (hi - st.mean) / (hi - lo)) : 1);
        const one = members.length === 1 && members[0].jobId ? members[0].jobId : null;
        const td = h('td', { class: `hm${isBest ? ' best' : ''}${one ? ' one' : ''}`, style: `background:${bg}`, 'data-testid': 'heat-cell',
            'data-best': isBest ? 'true' : null, 'data-pruned': members.some((c) => c.status === 'PRUNED') ? 'true' : null,
            title: `${t.rows}=${show(rv)}${t.cols ? `, ${t.cols}=${show(cv)}` : ''}: n=${st.n}` },
          h('div', { class: 'v' }, isBest ? h('span', { class: 'star', 'aria-label': 'best' }, '★ ') : null, st.mean === null ? '—' : fmtNum(st.mean)),
          st.std !== null ? h('div', { class: 'sd' }, `± ${fmtNum(st.std, 2)}`) : null,
          h('div', { class: 'chips' }, members.map(chip)));
        if (one) td.addEventListener('click', () => { location.hash = `#/jobs/${encodeURIComponent(one)}`; });
        tr.append(td);
      });
      body.append(tr);
    });
    table.append(body);
    clear(mapWrap);
    mapWrap.append(table);
    clear(legend);
    legend.append(`${t.metric}, ${t.stat} value, mean ± std over seeds. worse`, h('span', { class: 'legend-scale' }),
      'better; ★ holds the best cell that ran to the end; ✂n: pruned at epoch n (its value is that epoch\'s).');
  };

  const load = async () => {
    try {
      if (sweep === null) {
        // The first answer gives the swept paths the pickers offer; the table's answer carries the rest.
        const s0 = await api.sweep(id);
        if (disposed) return;
        const opts = (sel: HTMLSelectElement, withNone: boolean) => {
          clear(sel);
          if (withNone) sel.append(h('option', { value: '' }, '—'));
          for (const p of s0.paths) sel.append(h('option', { value: p }, p));
        };
        opts(rowsSel, false);
        opts(colsSel, true);
        const swept = s0.paths.filter((p) => p !== 'seed');
        rowsSel.value = swept[0] ?? 'seed';
        colsSel.value = swept[1] ?? '';
        metricSel.value = s0.metric;
        sweep = s0;
      }
      const t = await api.sweepTable(id, { rows: rowsSel.value, cols: colsSel.value || undefined, metric: metricSel.value, stat: statSel.value });
      if (disposed) return;
      const s = t.sweep;
      sweep = s;
      title.textContent = s.name;
      clear(status);
      status.append(statusBadge(s.status, 'sweep-status'));
      clear(bar);
      bar.append(progressBar(s));
      summary.textContent = counts(s) + (s.prune ? ` — pruning: ${s.prune.rule} on ${s.prune.metric}` : '');
      cancelBtn.hidden = s.status !== 'RUNNING';
      clear(pruned);
      const p = (s.cells ?? []).filter((c) => c.pruned);
      if (!p.length) pruned.append(h('li', { class: 'muted' }, 'none'));
      for (const c of p) pruned.append(h('li', {}, h('a', { href: `#/jobs/${encodeURIComponent(c.jobId ?? '')}` }, `cell ${c.index}`), ` — ${c.pruned!.reason}`));
      renderMap(s, t);
      message.textContent = '';
      // The last cell's end event can reach the page just before the sweep is marked DONE: look once more.
      const p2 = s.progress;
      if (s.status === 'RUNNING' && p2.pending + p2.queued + p2.running === 0) window.setTimeout(() => !disposed && load(), 500);
    } catch (e) {
      if (!disposed) message.textContent = e instanceof ApiError ? `Could not load the sweep: ${e.message}` : String(e);
    }
  };
  for (const sel of [rowsSel, colsSel, metricSel, statSel]) sel.addEventListener('change', () => load());
  const reload = coalesce(load, 1000);
  const feed = new LiveFeed(undefined, { onMessage: () => reload(), onOpen: (re) => re && load() }).start();
  load();
  return () => {
    disposed = true;
    reload.cancel();
    feed.stop();
  };
}
