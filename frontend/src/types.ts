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

export const STATUSES: JobStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const FINAL: JobStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export type EpochMessage = EpochRow & { type: 'epoch'; jobId: string };
export type StatusMessage = { type: 'status'; jobId: string; status: JobStatus; error?: string | null };
export type LiveMessage = EpochMessage | StatusMessage;
