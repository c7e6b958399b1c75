// A thin wrapper over uPlot: a titled line chart with labelled axes that follows its container's
// width and records how many points it shows (data-points) for tests and screen readers.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtNum } from './util';

export interface SeriesDef {
  label: string;
  color: string;
  dash?: number[];
}

/** A typed figure as GET /algorithms defines it: its definition (paper notation) and unit ("1": a pure number). */
export interface Figure {
  definition?: string;
  unit?: string;
}

export interface ChartOptions {
  title: string;
  /** The line under the title, what exactly the chart shows: the figure's definition and unit, drawn with sub- and superscripts. */
  figure?: Figure;
  /** A plain line under the title when there is no typed figure. */
  definition?: string;
  yLabel: string;
  xLabel?: string;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for accuracy. */
  yRange?: [number, number];
  testid: string;
}

export const PALETTE = ['#1f6fd1', '#d1541f', '#1a9950', '#8b3fc7', '#c7233f', '#0f8f99', '#a67c00', '#555f6b', '#e05aa8', '#5a7d1a'];

export class LineChart {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private u: uPlot | null = null;
  private series: SeriesDef[] = [];
  private data: uPlot.AlignedData = [[]];
  private readonly ro: ResizeObserver;

  constructor(private readonly opts: ChartOptions) {
    this.el = document.createElement('figure');
    this.el.className = 'chart';
    this.el.dataset.testid = opts.testid;
    this.el.dataset.points = '0';
    const cap = document.createElement('figcaption');
    cap.textContent = opts.title;
    this.plotEl = document.createElement('div');
    this.plotEl.className = 'chart-plot';
    this.plotEl.setAttribute('role', 'img');
    this.plotEl.setAttribute('aria-label', `${opts.title}: ${opts.yLabel} per ${opts.xLabel ?? 'epoch'}`);
    this.el.append(cap);
    if (opts.figure || opts.definition) {
      const def = document.createElement('p');
      def.className = 'chart-def';
      if (opts.figure) {
        // the served strings verbatim, for tests and copying; the text shows them typeset
        const { definition = '', unit = '' } = opts.figure;
        def.dataset.definition = definition;
        def.dataset.unit = unit;
        def.append(...formula(definition), ` ${unitNote(unit)}`);
      } else {
        def.textContent = opts.definition ?? '';
      }
      this.el.append(def);
    }
    this.el.append(this.plotEl);
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(this.el);
  }

  private width(): number {
    return Math.max(220, Math.floor(this.el.clientWidth || 320) - 2);
  }

  private resize(): void {
    if (this.u) {
      const w = this.width();
      if (Math.abs(w - this.u.width) > 2) this.u.setSize({ width: w, height: this.opts.height ?? 220 });
    }
  }

  /** Sets the series and the data: x (epochs) and one y array per series, null for a missing point. */
  set(series: SeriesDef[], x: number[], ys: (number | null)[][]): void {
    const sameSeries =
      this.u && series.length === this.series.length && series.every((s, i) => s.label === this.series[i].label && s.color === this.series[i].color);
    this.data = [x, ...ys] as uPlot.AlignedData;
    const points = ys.reduce((n, y) => n + y.filter((v) => v !== null && v !== undefined && Number.isFinite(v)).length, 0);
    this.el.dataset.points = String(points);
    this.el.dataset.epochs = String(x.length);
    if (sameSeries && this.u) {
      this.u.setData(this.data);
      return;
    }
    this.series = series;
    this.u?.destroy();
    this.u = new uPlot(this.options(), this.data, this.plotEl);
  }

  private options(): uPlot.Options {
    const { yRange } = this.opts;
    const axisStroke = '#3a4450';
    const grid = { stroke: '#e3e7ec', width: 1 };
    return {
      width: this.width(),
      height: this.opts.height ?? 220,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => (min === max ? [Math.max(0, min - 1), max + 1] : [min, max]) },
        y: yRange ? { range: yRange } : { range: (_u, min, max) => padRange(min, max) },
      },
      axes: [
        { label: this.opts.xLabel ?? 'epoch', stroke: axisStroke, grid, ticks: grid, labelSize: 22, size: 36, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { label: this.opts.yLabel, stroke: axisStroke, grid, ticks: grid, labelSize: 22, size: 56, values: (_u, vals) => vals.map((v) => fmtNum(v, 3)) },
      ],
      series: [
        { label: this.opts.xLabel ?? 'epoch', value: (_u, v) => (v == null ? '—' : String(v)) },
        ...this.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          spanGaps: true,
          points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 40, size: 5 },
          value: (_u: uPlot, v: number | null) => fmtNum(v, 4),
        })),
      ],
    };
  }

  destroy(): void {
    this.ro.disconnect();
    this.u?.destroy();
    this.u = null;
    this.el.remove();
  }
}

/** The y-axis label of a figure: its unit, or "dimensionless" for a pure number (unit "1"). */
export function axisLabel(unit: string | undefined): string {
  return unit === '1' ? 'dimensionless' : unit ?? '';
}

/** The unit after a definition: [s], [per sample], or (dimensionless). */
function unitNote(unit: string): string {
  return unit === '1' ? '(dimensionless)' : `[${unit}]`;
}

/**
 * A definition in the papers' plain-text notation as nodes, with x^{…} / x_{…} as super- and subscripts. Unbraced,
 * ^ takes one character (W^iX^i) and _ a whole word (Σ_samples, W_l, r_after).
 */
export function formula(text: string): Node[] {
  const out: Node[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push(document.createTextNode(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if ((c === '^' || c === '_') && next !== undefined && next !== ' ') {
      let body: string;
      let end: number;
      if (next === '{') {
        let depth = 0;
        end = i + 1;
        for (; end < text.length; end++) {
          if (text[end] === '{') depth++;
          else if (text[end] === '}' && --depth === 0) break;
        }
        if (end >= text.length) {
          plain += c;
          i++;
          continue;
        }
        body = text.slice(i + 2, end);
        end++;
      } else if (c === '^') {
        const ch = String.fromCodePoint(text.codePointAt(i + 1) ?? 0);
        body = ch;
        end = i + 1 + ch.length;
      } else {
        const m = /^[\p{L}\p{N}]+/u.exec(text.slice(i + 1));
        if (!m) {
          plain += c;
          i++;
          continue;
        }
        body = m[0];
        end = i + 1 + body.length;
      }
      flush();
      const el = document.createElement(c === '^' ? 'sup' : 'sub');
      el.append(...formula(body));
      out.push(el);
      i = end;
      continue;
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

function padRange(min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) * 0.1 || 1;
    return [min - d, max + d];
  }
  const pad = (max - min) * 0.08;
  return [min >= 0 && min - pad < 0 ? 0 : min - pad, max + pad];
}
