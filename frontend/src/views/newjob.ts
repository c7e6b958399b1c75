// New-job form, generated from GET /algorithms and GET /datasets. Server-side validation errors
// (problem+json `errors: [{field, message}]`) are shown next to their field.
import { api, ApiError } from '../api';
import type { Algorithm, DatasetInfo, JobSpec, ParamSpec } from '../types';
import { clear, h } from '../util';

type Field = { input: HTMLElement; error: HTMLElement };

const slug = (field: string) => field.replace(/[^A-Za-z0-9_-]+/g, '-');

export function mountNewJob(root: HTMLElement): () => void {
  let disposed = false;
  const status = h('div', { class: 'message', role: 'status', 'data-testid': 'form-status' }, 'Loading algorithms and datasets…');
  root.append(h('section', { class: 'view', 'data-testid': 'new-job-view', 'aria-labelledby': 'new-h' }, h('h1', { id: 'new-h' }, 'New job'), status));

  Promise.all([api.algorithms(), api.datasets()])
    .then(([algos, datasets]) => {
      if (disposed) return;
      status.remove();
      if (!algos.length) {
        root.querySelector('section')!.append(h('p', { class: 'message error' }, 'The server offers no algorithm.'));
        return;
      }
      buildForm(root.querySelector('section')!, algos, datasets);
    })
    .catch((e) => {
      if (disposed) return;
      status.className = 'message error';
      status.textContent = `Could not load the form: ${e instanceof ApiError ? e.message : String(e)}`;
    });

  return () => {
    disposed = true;
  };
}

function buildForm(section: HTMLElement, algos: Algorithm[], datasets: DatasetInfo[]): void {
  const fields = new Map<string, Field>();
  const generalError = h('div', { class: 'message error', role: 'alert', 'data-testid': 'form-error', tabindex: -1, hidden: true });

  /** A labelled row: label, control, optional help, and the slot for the server's error. */
  const row = (field: string, label: string, input: HTMLElement, help?: string | Node | null): HTMLElement => {
    const id = `f-${slug(field)}`;
    input.id = id;
    input.dataset.testid = `field-${field}`;
    input.setAttribute('name', field);
    const error = h('div', { class: 'field-error', id: `err-${slug(field)}`, 'data-testid': `error-${field}`, 'aria-live': 'polite' });
    const helpEl = help ? h('div', { class: 'help', id: `help-${slug(field)}` }, help) : null;
    input.setAttribute('aria-describedby', [helpEl?.id, error.id].filter(Boolean).join(' '));
    fields.set(field, { input, error });
    return h('div', { class: 'field', 'data-field': field }, h('label', { for: id }, label), input, helpEl, error);
  };

  const algoSel = h('select', {}, algos.map((a) => h('option', { value: a.name }, a.name)));
  const usable = datasets.filter((d) => d.available);
  const dsSel = h('select', {},
    datasets.map((d) => h('option', { value: d.name, disabled: !d.available },
      d.available ? d.name : `${d.name} (unavailable)`)));
  if (usable.length) dsSel.value = usable[0].name;
  const dsHelp = h('span', {});
  const unavailable = datasets.filter((d) => !d.available);
  const dsInfo = h('span', {}, dsHelp, unavailable.map((d) => h('span', { class: 'unavailable', 'data-testid': `dataset-unavailable-${d.name}` }, ` ${d.name} is unavailable: ${d.reason ?? 'no reason given'}.`)));
  const nameIn = h('input', { type: 'text', placeholder: 'optional, e.g. lpom relu fmnist', autocomplete: 'off' });
  const taskSel = h('select', {}, h('option', { value: 'classification' }, 'classification'), h('option', { value: 'autoencoder' }, 'autoencoder'));
  const layersIn = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const actSel = h('select', {});
  const lossSel = h('select', {});
  const actParamsIn = h('input', { type: 'text', class: 'mono', autocomplete: 'off', spellcheck: 'false', placeholder: 'defaults' });
  const initSel = h('select', {}, h('option', { value: '' }, "the algorithm's default"),
    ['glorot-uniform', 'he', 'gaussian'].map((k) => h('option', { value: k }, k)));
  const initScaleIn = h('input', { type: 'number', step: 'any', placeholder: 'default' });
  const initBiasIn = h('input', { type: 'number', step: 'any', placeholder: 'default' });
  const epochsIn = h('input', { type: 'number', min: 1, step: 1, value: 10 });
  const batchIn = h('input', { type: 'number', min: 1, step: 1 });
  const limitIn = h('input', { type: 'number', min: 1, step: 1, placeholder: 'all' });
  const seedIn = h('input', { type: 'number', step: 1, value: 1 });
  const paramsBox = h('div', { class: 'params', 'data-testid': 'params' });
  const paperEl = h('p', { class: 'help paper', 'data-testid': 'algorithm-paper' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'submit-job', 'data-testid': 'submit-job' }, 'Create job');
  // A sweep: the form's job is the base; any field becomes a list on a line "path: v1, v2".
  const gridIn = h('textarea', { rows: 3, class: 'mono', spellcheck: 'false', placeholder: 'params.lr: 0.01, 0.03, 0.1\nbatchSize: 32, 64\nlayers: 784-64-10, 784-256-10' });
  const seedsIn = h('input', { type: 'text', class: 'mono', placeholder: 'e.g. 1, 2, 3 (default: the seed above)' });
  const concurrentIn = h('input', { type: 'number', min: 1, step: 1, placeholder: 'default' });
  const pruneSel = h('select', {}, h('option', { value: '' }, 'none'), h('option', { value: 'median' }, 'median rule'), h('option', { value: 'asha' }, 'ASHA'));
  const submitSweep = h('button', { type: 'submit', class: 'btn', id: 'submit-sweep', 'data-testid': 'submit-sweep' }, 'Create sweep');
  let batchTouched = false;
  batchIn.addEventListener('input', () => (batchTouched = true));

  const algo = () => algos.find((a) => a.name === algoSel.value) ?? algos[0];
  const dataset = () => datasets.find((d) => d.name === dsSel.value);

  const fillSelect = (sel: HTMLSelectElement, values: string[], prefer: string[]) => {
    const keep = sel.value;
    clear(sel);
    for (const v of values) sel.append(h('option', { value: v }, v));
    const pick = [keep, ...prefer].find((v) => values.includes(v));
    sel.value = pick ?? values[0] ?? '';
    sel.disabled = values.length === 0;
  };

  /** First and last layer follow the dataset (and the task); hidden sizes the user typed stay. */
  const syncLayers = () => {
    const d = dataset();
    if (!d) return;
    const parts = layersIn.value.split(/[-,\sx×]+/).filter(Boolean).map(Number);
    const hidden = parts.length >= 3 && parts.every((n) => Number.isInteger(n) && n > 0) ? parts.slice(1, -1) : [d.features >= 256 ? 500 : 32];
    const out = taskSel.value === 'autoencoder' ? d.features : d.classes;
    layersIn.value = [d.features, ...hidden, out].join('-');
    dsHelp.textContent = d.available
      ? `${d.features} features, ${d.classes} classes; ${d.trainSize} training and ${d.testSize} test samples.`
      : `Unavailable: ${d.reason ?? 'unknown reason'}`;
  };

  const paramInput = (p: ParamSpec): HTMLElement => {
    const t = (p.type || '').toLowerCase();
    const dflt = paramDefault(p);
    if ((p.choices && p.choices.length) || t === 'choice') {
      const s = h('select', {}, (p.choices ?? []).map((c) => h('option', { value: c }, c)));
      if (dflt != null) s.value = String(dflt);
      return s;
    }
    if (t === 'boolean' || t === 'bool') return h('input', { type: 'checkbox', checked: dflt === true });
    if (t === 'numbers') {
      // A per-layer list: "0.1, 0.5" or one number for every layer; empty leaves the server's default.
      return h('input', { type: 'text', class: 'mono', placeholder: dflt == null ? 'per layer, e.g. 1, 0.5 (empty: derived)' : '', value: Array.isArray(dflt) ? dflt.join(', ') : dflt == null ? '' : String(dflt) });
    }
    if (['int', 'integer', 'long', 'double', 'float', 'number'].includes(t) || typeof dflt === 'number') {
      const integer = ['int', 'integer', 'long'].includes(t);
      return h('input', { type: 'number', step: integer ? 1 : 'any', min: p.min ?? null, max: p.max ?? null, value: dflt == null ? '' : String(dflt) });
    }
    return h('input', { type: 'text', value: dflt == null ? '' : String(dflt) });
  };

  const range = (p: ParamSpec) =>
    p.min != null && p.max != null ? `range ${p.min} … ${p.max}` : p.min != null ? `≥ ${p.min}` : p.max != null ? `≤ ${p.max}` : '';

  const syncAlgorithm = () => {
    const a = algo();
    fillSelect(actSel, a.activations ?? [], ['relu', 'sigmoid']);
    fillSelect(lossSel, a.losses ?? [], ['cross-entropy', 'mse']);
    if (!batchTouched && a.defaultBatchSize) batchIn.value = String(a.defaultBatchSize);
    paperEl.textContent = [a.title, a.paper].filter(Boolean).join(' — ');
    for (const k of [...fields.keys()]) if (k.startsWith('params.')) fields.delete(k);
    clear(paramsBox);
    if (!a.params?.length) paramsBox.append(h('p', { class: 'muted' }, `${a.name} has no parameters.`));
    for (const p of a.params ?? []) {
      const d = paramDefault(p);
      const help = [p.description, range(p), d != null ? `default ${Array.isArray(d) ? d.join(', ') : d}` : ''].filter(Boolean).join(' · ');
      const el = row(`params.${p.name}`, p.name, paramInput(p), help);
      el.querySelector('input,select')!.setAttribute('data-param', p.name);
      el.querySelector('input,select')!.setAttribute('data-type', p.type || '');
      if (p.noEffectWhen?.length) el.append(h('div', { class: 'inert-note', 'data-testid': `inert-params.${p.name}`, hidden: true }));
      paramsBox.append(el);
    }
    markInert();
  };

  /** The form's current value of a parameter (as the spec would carry it), for the no-effect conditions. */
  const currentParam = (name: string): unknown => {
    const el = fields.get(`params.${name}`)?.input;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') return el.checked;
    if (el instanceof HTMLInputElement && el.type === 'number') return el.value.trim() === '' ? undefined : Number(el.value);
    return (el as HTMLInputElement | HTMLSelectElement | undefined)?.value;
  };

  /** Marks each parameter that has no effect with the current choices (GET /algorithms' noEffectWhen); still sent. */
  const markInert = () => {
    for (const p of algo().params ?? []) {
      const note = paramsBox.querySelector<HTMLElement>(`[data-testid='inert-params.${p.name}']`);
      if (!note) continue;
      const holds = (p.noEffectWhen ?? []).find((situation) =>
        Object.entries(situation).every(([key, values]) => {
          const actual = key === 'loss' ? lossSel.value : currentParam(key);
          return (values as unknown[]).some((v) => v === actual);
        }));
      const rowEl = note.closest('.field');
      rowEl?.classList.toggle('inert', !!holds);
      note.hidden = !holds;
      note.textContent = holds
        ? `No effect with ${Object.entries(holds).map(([k, v]) => `${k} = ${(v as unknown[]).join(' or ')}`).join(' and ')}.`
        : '';
    }
  };

  const form = h('form', { id: 'new-job-form', 'data-testid': 'new-job-form', novalidate: true },
    generalError,
    h('fieldset', {}, h('legend', {}, 'What to train'),
      h('div', { class: 'grid' },
        row('algorithm', 'Algorithm', algoSel, paperEl),
        row('dataset', 'Dataset', dsSel, dsInfo),
        row('name', 'Name', nameIn),
        row('task', 'Task', taskSel),
        row('layers', 'Layers', layersIn, 'Sizes from input to output, e.g. 784-500-10.'),
        row('activation', 'Activation', actSel, 'Only those the algorithm supports.'),
        row('activationParams', 'Activation constants', actParamsIn,
          'JSON: {"alpha": 0.1} for leaky-relu or elu, {"lower": 0, "upper": 1} for dcutlu; empty for the defaults.'),
        row('loss', 'Loss', lossSel))),
    h('fieldset', {}, h('legend', {}, 'Initial weights'),
      h('div', { class: 'grid' },
        row('init.kind', 'Initialisation', initSel),
        row('init.scale', 'Scale σ', initScaleIn, 'Standard deviation of a gaussian init.'),
        row('init.bias', 'Bias', initBiasIn, 'Initial value of every bias.'))),
    h('fieldset', {}, h('legend', {}, 'Schedule'),
      h('div', { class: 'grid' },
        row('epochs', 'Epochs', epochsIn),
        row('batchSize', 'Batch size', batchIn),
        row('trainLimit', 'Train limit', limitIn, 'Use only the first N training samples.'),
        row('seed', 'Seed', seedIn))),
    h('fieldset', {}, h('legend', {}, 'Algorithm parameters'), paramsBox),
    h('fieldset', {}, h('legend', {}, 'Sweep (optional)'),
      h('div', { class: 'grid' },
        row('grid', 'Grid', gridIn, 'One swept field a line: its path (as in the job spec), a colon, the values. Layers as 784-64-10.'),
        row('seeds', 'Seeds', seedsIn, 'Every configuration runs once per seed.'),
        row('maxConcurrent', 'Max concurrent', concurrentIn, 'Cells queued or running at once.'),
        row('prune', 'Pruning', pruneSel, 'Stop hopeless cells at an epoch boundary (on test accuracy).'))),
    h('div', { class: 'actions' }, submit, ' ', submitSweep));
  section.append(form);

  algoSel.addEventListener('change', syncAlgorithm);
  paramsBox.addEventListener('change', markInert);
  paramsBox.addEventListener('input', markInert);
  lossSel.addEventListener('change', markInert);
  dsSel.addEventListener('change', syncLayers);
  taskSel.addEventListener('change', syncLayers);
  syncAlgorithm();
  syncLayers();

  const clearErrors = () => {
    generalError.hidden = true;
    clear(generalError);
    for (const f of fields.values()) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
  };

  const showErrors = (errs: { field: string; message: string }[], title: string) => {
    const unplaced: string[] = [];
    let first: HTMLElement | null = null;
    for (const e of errs) {
      const key = normaliseField(e.field);
      const f = fields.get(key) ?? fields.get(key.split('.')[0]);
      if (f) {
        f.error.textContent = f.error.textContent ? `${f.error.textContent}; ${e.message}` : e.message;
        f.input.setAttribute('aria-invalid', 'true');
        first ??= f.input;
      } else unplaced.push(e.field ? `${e.field}: ${e.message}` : e.message);
    }
    if (unplaced.length || !errs.length) {
      generalError.hidden = false;
      generalError.append(h('strong', {}, title));
      if (unplaced.length) generalError.append(h('ul', {}, unplaced.map((m) => h('li', {}, m))));
    }
    (first ?? generalError).focus?.();
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const local: { field: string; message: string }[] = [];
    const layers = layersIn.value.split(/[-,\sx×]+/).filter(Boolean).map(Number);
    if (layers.length < 2 || !layers.every((n) => Number.isInteger(n) && n > 0))
      local.push({ field: 'layers', message: 'Write positive whole sizes separated by dashes, e.g. 784-500-10.' });
    const int = (el: HTMLInputElement, field: string, required: boolean): number | null => {
      if (el.value.trim() === '') {
        if (required) local.push({ field, message: 'Required.' });
        return null;
      }
      const n = Number(el.value);
      if (!Number.isInteger(n)) local.push({ field, message: 'Must be a whole number.' });
      return n;
    };
    const params: Record<string, unknown> = {};
    for (const p of algo().params ?? []) {
      const el = fields.get(`params.${p.name}`)!.input as HTMLInputElement | HTMLSelectElement;
      if (el instanceof HTMLInputElement && el.type === 'checkbox') params[p.name] = el.checked;
      else if ((p.type || '').toLowerCase() === 'numbers') {
        const parts = el.value.split(/[,;\s]+/).filter(Boolean).map(Number);
        if (!parts.length) continue;
        if (!parts.every(Number.isFinite)) local.push({ field: `params.${p.name}`, message: 'Write numbers separated by commas.' });
        params[p.name] = parts.length === 1 ? parts[0] : parts;
      }
      else if (el instanceof HTMLInputElement && el.type === 'number') {
        if (el.value.trim() === '') continue;
        const n = Number(el.value);
        if (!Number.isFinite(n)) local.push({ field: `params.${p.name}`, message: 'Must be a number.' });
        params[p.name] = n;
      } else params[p.name] = el.value;
    }
    let activationParams: Record<string, number> | undefined;
    if (actParamsIn.value.trim()) {
      try {
        const parsed: unknown = JSON.parse(actParamsIn.value);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'number'))
          throw new Error('not an object of numbers');
        activationParams = parsed as Record<string, number>;
      } catch {
        local.push({ field: 'activationParams', message: 'Write a JSON object of numbers, e.g. {"alpha": 0.1}.' });
      }
    }
    const number = (el: HTMLInputElement): number | undefined => (el.value.trim() === '' ? undefined : Number(el.value));
    const init = { kind: initSel.value || undefined, scale: number(initScaleIn), bias: number(initBiasIn) };
    const spec: JobSpec = {
      name: nameIn.value.trim() || null,
      algorithm: algoSel.value,
      dataset: dsSel.value,
      task: taskSel.value,
      layers,
      activation: actSel.value,
      activationParams,
      loss: lossSel.value,
      init: Object.values(init).some((v) => v !== undefined) ? init : undefined,
      epochs: int(epochsIn, 'epochs', true) ?? 0,
      batchSize: int(batchIn, 'batchSize', false) ?? algo().defaultBatchSize ?? null,
      trainLimit: int(limitIn, 'trainLimit', false),
      seed: int(seedIn, 'seed', false) ?? 1,
      params,
    };
    const sweep = (ev as SubmitEvent).submitter === submitSweep;
    const grid: Record<string, unknown[]> = {};
    if (sweep) {
      for (const line of gridIn.value.split('\n').map((l) => l.trim()).filter(Boolean)) {
        const colon = line.indexOf(':');
        const path = colon > 0 ? line.slice(0, colon).trim() : '';
        const values = colon > 0 ? line.slice(colon + 1).split(',').map((v) => v.trim()).filter(Boolean) : [];
        if (!path || !values.length) {
          local.push({ field: 'grid', message: `Write "path: value, value", got "${line}".` });
          continue;
        }
        grid[path] = values.map((v) => (path === 'layers' ? v.split(/[-\sx×]+/).map(Number) : v === 'true' || v === 'false' ? v === 'true' : Number.isFinite(Number(v)) ? Number(v) : v));
      }
      if (!Object.keys(grid).length && !local.some((e) => e.field === 'grid')) local.push({ field: 'grid', message: 'Name at least one field to sweep.' });
    }
    if (local.length) {
      showErrors(local, 'Please fix the fields marked below.');
      return;
    }
    if (sweep) {
      const seeds = seedsIn.value.split(/[,;\s]+/).filter(Boolean).map(Number);
      const body = {
        name: spec.name ?? undefined, base: spec, grid, seeds: seeds.length ? seeds : undefined,
        maxConcurrent: concurrentIn.value.trim() ? Number(concurrentIn.value) : undefined,
        prune: pruneSel.value ? { rule: pruneSel.value } : undefined,
      };
      submitSweep.disabled = true;
      try {
        const created = await api.createSweep(body);
        location.hash = `#/sweeps/${encodeURIComponent(created.id)}`;
      } catch (e) {
        if (e instanceof ApiError) {
          // base.layers → layers; cells[3].params.lr → params.lr (the message names the cell).
          const errs = (e.problem.errors ?? []).map((x) => ({ field: x.field.replace(/^base\./, '').replace(/^cells\[\d+\]\./, '').replace(/^grid.*/, 'grid'), message: x.message }));
          showErrors(errs, `${e.problem.title ?? 'Rejected'}${e.problem.detail ? `: ${e.problem.detail}` : ''}`);
        } else showErrors([], String(e));
      } finally {
        submitSweep.disabled = false;
      }
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Creating…';
    try {
      const job = await api.create(spec);
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    } catch (e) {
      if (e instanceof ApiError) {
        const title = e.status === 429
          ? `The queue is full; try again${e.retryAfter ? ` in ${e.retryAfter} s` : ' later'}.`
          : `${e.problem.title ?? 'Rejected'}${e.problem.detail ? `: ${e.problem.detail}` : ''}`;
        showErrors(e.problem.errors ?? [], title);
      } else showErrors([], String(e));
    } finally {
      submit.disabled = false;
      submit.textContent = 'Create job';
    }
  });
}

/** `spec.layers[0]` → `layers`; `params.mu` stays. */
function normaliseField(field: string | null | undefined): string {
  if (!field) return '';
  return field.replace(/^spec\./, '').replace(/\[\d+\]/g, '');
}

function paramDefault(p: ParamSpec): unknown {
  return p.default;
}
