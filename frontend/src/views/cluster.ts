// Cluster panel on the jobs page: members (this node marked), their slots and running jobs, and the shared
// queue, from GET /cluster every few seconds and on status changes. A single node answers 404 there: the
// panel then removes itself and stops asking.
import { api, ApiError } from '../api';
import type { ClusterView } from '../types';
import { clear, h } from '../util';

const POLL_MS = 3000;

export interface ClusterPanel {
  /** Asks the server again now (e.g. after a job started or ended). */
  refresh(): void;
  stop(): void;
}

export function mountClusterPanel(parent: HTMLElement): ClusterPanel {
  let stopped = false;
  let timer: number | undefined;
  let inFlight = false;
  const summary = h('p', { class: 'muted', 'data-testid': 'cluster-summary' });
  const message = h('div', { class: 'message', role: 'status' });
  const tbody = h('tbody', { 'data-testid': 'cluster-members' });
  const section = h('section', { class: 'cluster-panel', 'data-testid': 'cluster-panel', 'aria-labelledby': 'cluster-h', hidden: true },
    h('h2', { id: 'cluster-h' }, 'Cluster'),
    summary, message,
    h('div', { class: 'table-wrap' }, h('table', { class: 'cluster' },
      h('caption', { class: 'sr-only' }, 'Cluster members, their job slots and running jobs'),
      h('thead', {}, h('tr', {}, ...['Node', 'Address', 'Slots', 'Running jobs'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody)));
  parent.append(section);

  const render = (c: ClusterView) => {
    section.hidden = false;
    message.textContent = '';
    message.className = 'message';
    const members = c.members ?? [];
    const running = members.reduce((n, m) => n + (m.running?.length ?? 0), 0);
    summary.textContent = `${c.name ?? 'cluster'}: ${members.length} member${members.length === 1 ? '' : 's'}, ${running} running, ${c.queued ?? 0} queued.`;
    clear(tbody);
    for (const m of members) {
      const run = m.running ?? [];
      const jobs = run.length
        ? run.map(({ id = '', attempt = 1 }) => h('a', { href: `#/jobs/${encodeURIComponent(id)}`, class: 'mono', 'data-testid': 'cluster-job', 'data-job-id': id,
            title: `attempt ${attempt}` }, id.slice(0, 8), attempt > 1 ? ` (attempt ${attempt})` : ''))
        : [h('span', { class: 'muted' }, 'idle')];
      const links: (Node | string)[] = [];
      jobs.forEach((j, i) => links.push(...(i ? [', ', j] : [j])));
      tbody.append(h('tr', { 'data-testid': 'cluster-member', 'data-node': m.node ?? '', 'data-local': String(Boolean(m.local)) },
        h('td', { 'data-label': 'Node' }, m.node ?? m.member ?? '?', m.local ? h('span', { class: 'badge badge-local', 'data-testid': 'cluster-local', title: 'the node serving this page' }, 'this node') : null),
        h('td', { 'data-label': 'Address', class: 'mono' }, m.address ?? '—'),
        h('td', { 'data-label': 'Slots', class: 'num', 'data-testid': 'cluster-slots' }, `${run.length} / ${m.slots ?? '?'}`),
        h('td', { 'data-label': 'Running jobs' }, ...links)));
    }
  };

  const load = async () => {
    if (stopped || inFlight) return;
    inFlight = true;
    try {
      const c = await api.cluster();
      if (!stopped) render(c);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        // a single node: no cluster, no panel, no more requests
        stopped = true;
        section.remove();
        return;
      }
      if (!stopped && !section.hidden) {
        message.className = 'message error';
        message.textContent = `Could not refresh the cluster: ${e instanceof Error ? e.message : String(e)}`;
      }
    } finally {
      inFlight = false;
    }
    if (!stopped) {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, POLL_MS);
    }
  };
  load();

  return {
    refresh: () => {
      if (!stopped && !section.hidden) load();
    },
    stop: () => {
      stopped = true;
      window.clearTimeout(timer);
    },
  };
}
