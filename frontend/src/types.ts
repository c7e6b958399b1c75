// Shapes of the nograd HTTP/WebSocket contract (DESIGN.md §4). Fields may be added by the
// server; the page reads only these.

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'PRUNED';
export const STATUSES: JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED'];
/** PRUNED: a sweep's rule stopped the job at an epoch boundary (not a user's cancel). */
export const FINAL: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'PRUNED'];

export interface JobSpec {
  name?: string | null;
  algorithm: string;
  dataset: string;
  task?: string;
  layers: number[];
  activation?: string;
  activationParams?: Record<string, number>;
  loss?: string;
  init?: { kind?: string; scale?: number; bias?: number };
  epochs: number;
  batchSize?: number | null;
  trainLimit?: number | null;
  seed?: number;
  params?: Record<string, unknown>;
}

/** One epoch: a metrics row, or an epoch event without `type`/`jobId`. */
export interface EpochRow {
  epoch: number;
  epochs?: number;
  trainLoss: number | null;
  trainAccuracy: number | null;
  testLoss: number | null;
  testAccuracy: number | null;
  seconds?: number | null;
  objective?: number | null;
  diagnostics?: Record<string, number[] | null> | null;
}

export interface Job {
  id: string;
  name: string | null;
  status: JobStatus;
  spec: JobSpec;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  epochsDone: number;
  queuePosition: number | null;
  latest: EpochRow | null;
  error: string | null;
  attempt?: number;
  sweep?: { id: string; cell: number; coordinates: Record<string, unknown> };
}

export interface JobPage {
  jobs: Job[];
  total: number;
  limit: number;
  offset: number;
}

export interface ParamSpec {
  name: string;
  type: string;
  default?: unknown;
  /** The Java record's name for `default`, accepted in case the server sends it so. */
  defaultValue?: unknown;
  min?: number | null;
  max?: number | null;
  description?: string;
  choices?: string[] | null;
}

export interface Algorithm {
  name: string;
  title?: string;
  paper?: string;
  activations: string[];
  losses: string[];
  defaultBatchSize?: number;
  params: ParamSpec[];
}

export interface DatasetInfo {
  name: string;
  features: number;
  classes: number;
  trainSize: number;
  testSize: number;
  available: boolean;
  reason?: string | null;
}

export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

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
  /** The sweep the table was computed from (one snapshot with the values). */
  sweep: Sweep;
}
