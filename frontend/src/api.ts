// fetch() against the nograd server on the page's own origin, with the optional bearer token.
import type { Algorithm, ClusterView, DatasetInfo, EpochRow, Job, JobPage, JobSpec, Problem, Reproduction, Sweep, SweepPage, SweepTable } from './types';

const TOKEN_KEY = 'nograd.token';

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lasts for this page only */
  }
  window.dispatchEvent(new CustomEvent('nograd:token'));
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter: string | null = null,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

function authHeaders(): Record<string, string> {
  const t = getToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = { Accept: 'application/json, application/problem+json', ...authHeaders(), ...(init.headers as Record<string, string>) };
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch (e) {
    throw new ApiError(0, { title: 'Server unreachable', detail: `Cannot reach the nograd server (${(e as Error).message}).` });
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status, title: res.statusText };
    const text = await res.text();
    try {
      problem = { status: res.status, ...JSON.parse(text) };
    } catch {
      if (text) problem.detail = text.slice(0, 300);
    }
    if (res.status === 401) window.dispatchEvent(new CustomEvent('nograd:unauthorized'));
    throw new ApiError(res.status, problem, res.headers.get('Retry-After'));
  }
  return res;
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await request(path, init);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  algorithms: () => json<Algorithm[]>('/algorithms'),
  datasets: () => json<DatasetInfo[]>('/datasets'),
  jobs: (q: { status?: string; algorithm?: string; limit?: number; offset?: number } = {}) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
    const qs = p.toString();
    return json<JobPage>('/jobs' + (qs ? `?${qs}` : ''));
  },
  job: (id: string) => json<Job>(`/jobs/${encodeURIComponent(id)}`),
  metrics: (id: string) => json<EpochRow[]>(`/jobs/${encodeURIComponent(id)}/metrics`),
  create: (spec: JobSpec) =>
    json<Job>('/jobs', { method: 'POST', body: JSON.stringify(spec), headers: { 'Content-Type': 'application/json' } }),
  cancel: (id: string) => json<Job | undefined>(`/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  remove: (id: string) => json<void>(`/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  sweeps: () => json<SweepPage>('/sweeps?limit=200'),
  sweep: (id: string, metric?: string) => json<Sweep>(`/sweeps/${encodeURIComponent(id)}` + (metric ? `?metric=${encodeURIComponent(metric)}` : '')),
  sweepTable: (id: string, q: { rows?: string; cols?: string; metric?: string; stat?: string }) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
    return json<SweepTable>(`/sweeps/${encodeURIComponent(id)}/table?${p}`);
  },
  createSweep: (body: unknown) =>
    json<Sweep>('/sweeps', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  cluster: () => json<ClusterView>('/cluster'),
  reproductions: () => json<{ reproductions: Reproduction[] }>('/reproductions'),
  reproduction: (id: string) => json<Reproduction>(`/reproductions/${encodeURIComponent(id)}`),
  runReproduction: (id: string, scale: string) =>
    json<Sweep>(`/reproductions/${encodeURIComponent(id)}/runs?scale=${encodeURIComponent(scale)}`, { method: 'POST' }),
  cancelSweep: (id: string) => json<Sweep>(`/sweeps/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
};

/** Downloads a file through fetch so that the bearer token goes along (a plain link cannot carry it). */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await request(path, { headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
