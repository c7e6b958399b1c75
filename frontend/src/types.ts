// Shapes of the nograd HTTP contract, generated at build time from docs/openapi.json (the description the
// server serves, checked against it by OpenApiDocTest) by openapi-typescript into src/generated/api.ts:
// a change to the API that the page does not follow fails `tsc` here. The live feed (WebSocket/SSE) is not
// in the OpenAPI description; its messages are the epoch rows and status events below.
import type { components } from './generated/api';

type Schemas = components['schemas'];

export type JobSpec = Schemas['JobSpec'];
/** One epoch: a metrics row, or an epoch event without `type`/`jobId`. */
export type EpochRow = Schemas['EpochMetrics'];
export type Job = Schemas['Job'];
export type JobPage = Schemas['JobPage'];
export type ParamSpec = Schemas['ParamInfo'];
export type Algorithm = Schemas['Algorithm'];
/** A solver's typed figure (GET /algorithms): one meaning per name, with its definition and unit. */
export type Diagnostic = Schemas['Diagnostic'];
export type DatasetInfo = Schemas['DatasetInfo'];
export type Problem = Schemas['Problem'];
export type JobStatus = Job['status'];
/** GET /cluster (404 on a single node). */
export type ClusterView = Schemas['ClusterView'];

export const STATUSES: JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED'];
/** PRUNED: a sweep's rule stopped the job at an epoch boundary (not a user's cancel). */
export const FINAL: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED'];

export type EpochMessage = EpochRow & { type: 'epoch'; jobId: string };
export type StatusMessage = { type: 'status'; jobId: string; status: JobStatus; error?: string | null };
export type LiveMessage = EpochMessage | StatusMessage;

/** Mean, sample standard deviation (null below two values) and count over a configuration's seeds. */
export interface Stat {
  mean: number | null;
  std: number | null;
  n: number;
}

export interface SweepCell {
  index: number;
  coordinates: Record<string, unknown>;
  jobId: string | null;
  /** PENDING (not released yet), a job status, or DELETED. */
  status: string;
  epochsDone: number;
  epochs: number;
  final: number | null;
  best: number | null;
  pruned?: { rule: string; epoch: number; value: number; threshold: number; reason: string };
  error?: string;
}

export interface Sweep {
  id: string;
  name: string;
  status: 'RUNNING' | 'DONE' | 'CANCELLED';
  createdAt: string;
  finishedAt: string | null;
  maxConcurrent: number;
  prune?: { rule: string; metric: string } | null;
  metric: string;
  paths: string[];
  progress: {
    cells: number; pending: number; queued: number; running: number; succeeded: number; pruned: number; failed: number;
    cancelled: number; epochsDone: number; epochsPlanned: number;
  };
  cells?: SweepCell[];
  best?: SweepCell | null;
}

export interface SweepPage {
  sweeps: Sweep[];
  total: number;
}

export interface SweepTable {
  rows: string;
  cols: string | null;
  metric: string;
  stat: string;
  rowValues: unknown[];
  colValues: unknown[];
  values: Stat[][];
  /** Reference figures (a paper's) beside the values; absent when the sweep has none. */
  comparison?: Comparison;
  /** The sweep the table was computed from (one snapshot with the values). */
  sweep: Sweep;
}

/** One reference figure beside a table cell: delta = ours − reference, flagged when |delta| > tolerance
 *  (for a bound, "at-least" / "at-most": when ours is beyond it by more than the tolerance). */
export interface Compared {
  reference: number;
  bound: 'at-least' | 'at-most' | null;
  delta: number | null;
  flagged: boolean;
  source: string | null;
}

export interface Comparison {
  label: string | null;
  tolerance: number;
  metrics: string[];
  figures: number;
  flagged: number;
  cells: (Compared | null)[][];
}

/** GET /reproductions: a paper's table or figure as a sweep preset. */
export interface Reproduction {
  id: string;
  version: number;
  title: string;
  paper: string;
  source: string;
  figure: string;
  setting: string;
  tolerance: number;
  figures: { coordinates: Record<string, unknown>; metric: string; printed: string; value: number; source: string }[];
  ours: string[];
  notes: string[];
  scales: { scale: 'paper' | 'quick'; note: string; dataset: string | null; cells: number; seeds: number[]; sweep: unknown }[];
  file: string;
  runs?: { sweepId: string; reproduction: string; version: number; scale: string; createdAt: string; status: string }[];
}
