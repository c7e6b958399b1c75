// Epoch rows of one job, keyed by epoch: the WebSocket replay, live events and REST re-fetches
// all land here, so a row seen twice is kept once (the newest copy wins).
import type { EpochRow } from './types';

export class EpochStore {
  private rows = new Map<number, EpochRow>();
  private seenAt = new Map<number, number>();

  upsert(row: EpochRow): void {
    if (!Number.isFinite(row.epoch)) return;
    const { type: _t, jobId: _j, ...clean } = row as EpochRow & { type?: string; jobId?: string };
    this.rows.set(row.epoch, clean);
    this.seenAt.set(row.epoch, performance.now());
  }

  /**
   * Replaces the rows by the server's list fetched at `since`, keeping live rows that arrived after
   * the fetch began. A job restarted from scratch thus loses its stale tail.
   */
  replace(rows: EpochRow[], since: number): void {
    const next = new Map<number, EpochRow>();
    const seen = new Map<number, number>();
    for (const r of rows) {
      next.set(r.epoch, r);
      seen.set(r.epoch, since);
    }
    for (const [e, t] of this.seenAt) {
      if (t > since) {
        next.set(e, this.rows.get(e)!);
        seen.set(e, t);
      }
    }
    this.rows = next;
    this.seenAt = seen;
  }

  get size(): number {
    return this.rows.size;
  }

  sorted(): EpochRow[] {
    return [...this.rows.values()].sort((a, b) => a.epoch - b.epoch);
  }

  last(): EpochRow | undefined {
    let best: EpochRow | undefined;
    for (const r of this.rows.values()) if (!best || r.epoch > best.epoch) best = r;
    return best;
  }
}
