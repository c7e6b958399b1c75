// Small DOM and formatting helpers; the page has no framework.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | number | null | undefined | false;

/** Creates an element: h('button', {class: 'x', onclick: fn}, 'label'). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else if (k === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c !== null && c !== undefined && c !== false) el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function fmtNum(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return (v * 100).toFixed(1) + '%';
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date().toDateString() === d.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return today ? time : `${d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

export function fmtSeconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function arch(layers: number[] | undefined): string {
  return layers && layers.length ? layers.join('-') : '—';
}

export function statusBadge(status: string, testid = 'status'): HTMLSpanElement {
  return h('span', { class: `badge badge-${status.toLowerCase()}`, 'data-testid': testid, 'data-status': status }, status);
}

/** Copies text, falling back to a selection copy where the Clipboard API is unavailable (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const ta = h('textarea', { style: 'position:fixed;left:-9999px;top:0', 'aria-hidden': 'true' });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/**
 * How often at most a live view redraws while data streams in (ms): a few times a second reads as live, and a
 * job with an epoch every few milliseconds no longer keeps the page busy (bench/results/dashboard.md).
 */
export const REDRAW_MS = 150;

/** A coalesced redraw: call it as often as data arrives; {@link redrawer}. */
export interface Redraw {
  (): void;
  /** Draws on the next frame, whatever the interval: for a status change, so the final state is never held back. */
  now(): void;
  /** Forgets a pending draw (the view is gone). */
  cancel(): void;
}

/**
 * Coalesces redraws: fn runs on an animation frame, at most once per `ms` however often it is asked. A request
 * after a quiet spell draws on the next frame; requests within `ms` of the last draw join one draw at the end of
 * the interval. fn draws from the view's state (every epoch is kept there), so merging draws drops no data. A job
 * that sends an epoch every few milliseconds thus redraws a few times a second, not at the frame rate, and the
 * page stays responsive.
 */
export function redrawer(fn: () => void, ms: number): Redraw {
  let last = -Infinity;
  let timer: number | undefined;
  let frame: number | undefined;
  const draw = () => {
    frame = undefined;
    last = performance.now();
    fn();
  };
  const onFrame = () => {
    if (frame === undefined) frame = requestAnimationFrame(draw);
  };
  const r = (() => {
    if (frame !== undefined || timer !== undefined) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) onFrame();
    else timer = window.setTimeout(() => {
      timer = undefined;
      onFrame();
    }, wait);
  }) as Redraw;
  r.now = () => {
    window.clearTimeout(timer);
    timer = undefined;
    onFrame();
  };
  r.cancel = () => {
    window.clearTimeout(timer);
    timer = undefined;
    if (frame !== undefined) cancelAnimationFrame(frame);
    frame = undefined;
  };
  return r;
}

/**
 * Runs fn once, ms after the first call of a burst; calls while it waits join that run. Unlike a
 * trailing debounce, a steady stream of calls (an epoch event every 50 ms) cannot postpone it forever.
 */
export function coalesce(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let t: number | undefined;
  const c = () => {
    if (t !== undefined) return;
    t = window.setTimeout(() => {
      t = undefined;
      fn();
    }, ms);
  };
  c.cancel = () => {
    window.clearTimeout(t);
    t = undefined;
  };
  return c;
}
