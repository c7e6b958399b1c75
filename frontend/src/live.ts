// The live feed: one WebSocket to /ws (every job) or /ws?job={id} (one job, replayed from epoch 1
// on connect). It reconnects by itself with capped exponential backoff after a dropped connection
// or a server restart; `onOpen(true)` tells the view to fill the gap from the REST API.
import { getToken } from './api';
import type { LiveMessage } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveHandlers {
  onMessage(msg: LiveMessage): void;
  /** Called on every successful connect; `reconnected` is true after the first. */
  onOpen?(reconnected: boolean): void;
  /** Return false to stay closed after the server ends the stream (e.g. the job is over). */
  shouldReconnect?(): boolean;
}

const listeners = new Set<(s: LiveState) => void>();
let currentState: LiveState = 'closed';

/** The state of the view's feed, for the indicator in the header. */
export function onLiveState(fn: (s: LiveState) => void): void {
  listeners.add(fn);
  fn(currentState);
}

function publish(s: LiveState): void {
  currentState = s;
  for (const fn of listeners) fn(s);
}

export function wsUrl(jobId?: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const p = new URLSearchParams();
  if (jobId) p.set('job', jobId);
  const token = getToken();
  if (token) p.set('token', token);
  const qs = p.toString();
  return `${proto}//${location.host}/ws${qs ? `?${qs}` : ''}`;
}

export class LiveFeed {
  private ws: WebSocket | null = null;
  private stopped = false;
  private failures = 0;
  private opened = 0;
  private timer: number | undefined;
  private watchdog: number | undefined;

  constructor(
    private readonly jobId: string | undefined,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): this {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
    window.clearTimeout(this.watchdog);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      this.ws.onerror = null;
      this.ws.close(1000);
      this.ws = null;
    }
    publish('closed');
  }

  private connect(): void {
    if (this.stopped) return;
    publish(this.opened ? 'reconnecting' : 'connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(this.jobId));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // A handshake that hangs (server half up) is abandoned after 10 s.
    this.watchdog = window.setTimeout(() => {
      if (ws.readyState === WebSocket.CONNECTING) ws.close();
    }, 10_000);
    ws.onopen = () => {
      window.clearTimeout(this.watchdog);
      this.failures = 0;
      const reconnected = this.opened > 0;
      this.opened++;
      publish('live');
      this.handlers.onOpen?.(reconnected);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg: LiveMessage;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg && (msg.type === 'epoch' || msg.type === 'status')) this.handlers.onMessage(msg);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = () => {
      window.clearTimeout(this.watchdog);
      this.ws = null;
      if (this.stopped) return;
      if (this.handlers.shouldReconnect && !this.handlers.shouldReconnect()) {
        publish('closed');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    publish('reconnecting');
    const delay = Math.min(5000, 250 * 2 ** this.failures) * (0.8 + Math.random() * 0.4);
    this.failures++;
    this.timer = window.setTimeout(() => this.connect(), delay);
  }
}
