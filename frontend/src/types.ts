// Shapes of the nograd HTTP/WebSocket contract (DESIGN.md §4). Fields may be added by the
// server; the page reads only these.

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const STATUSES: JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const FINAL: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

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

/** A solver's typed figure (GET /algorithms): one meaning per name, with its definition and unit. */
export interface Diagnostic {
  name: string;
  title: string;
  definition: string;
  unit: string;
  /** Labels of the array's entries; null when entry i belongs to weight layer i + 1. */
  components?: string[] | null;
}

export interface Algorithm {
  name: string;
  title?: string;
  paper?: string;
  activations: string[];
  losses: string[];
  defaultBatchSize?: number;
  params: ParamSpec[];
  /** What the epoch rows' `objective` is for this solver; null when it reports none. */
  objective?: Diagnostic | null;
  diagnostics?: Diagnostic[];
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
