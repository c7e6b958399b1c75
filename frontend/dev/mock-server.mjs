#!/usr/bin/env node
// A stand-in nograd server for developing the dashboard without the Java backend: the HTTP and
// WebSocket contract of DESIGN.md §4 with fake-but-plausible training curves. Node only, no deps.
// Not used by any test.
//
//   node dev/mock-server.mjs [port]            # default 8090; MOCK_TOKEN=secret to require a token
//   NOGRAD_API=http://127.0.0.1:8090 npm run dev
//
// It also serves dist/ at / when built, so `npm run build && npm run mock` shows the real bundle.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const PORT = Number(process.argv[2] ?? process.env.PORT ?? 8090);
const TOKEN = process.env.MOCK_TOKEN ?? '';
const EPOCH_MS = Number(process.env.MOCK_EPOCH_MS ?? 800);
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

const num = (name, dflt, min, max, description) => ({ name, type: 'number', default: dflt, min, max, description });
const ACTS = ['relu', 'leaky-relu', 'sigmoid', 'tanh', 'identity'];
const ALGORITHMS = [
  { name: 'sgd', title: 'SGD (back-propagation baseline)', paper: 'Robbins & Monro (1951)', activations: ACTS, losses: ['cross-entropy', 'mse'], defaultBatchSize: 100,
    params: [num('lr', 0.1, 1e-8, 10, 'learning rate'), num('momentum', 0, 0, 0.999, 'heavy-ball momentum')] },
  { name: 'adam', title: 'Adam (back-propagation baseline)', paper: 'Kingma & Ba, Adam (ICLR 2015)', activations: ACTS, losses: ['cross-entropy', 'mse'], defaultBatchSize: 100,
    params: [num('lr', 1e-3, 1e-8, 10, 'learning rate α'), num('beta1', 0.9, 0, 0.9999, 'decay β₁'), num('beta2', 0.999, 0, 0.999999, 'decay β₂')] },
  { name: 'lpom', title: 'Lifted proximal operator machine', paper: 'Li, Fang & Lin, Lifted Proximal Operator Machines (AAAI 2019)', activations: ['relu', 'leaky-relu'], losses: ['mse'], defaultBatchSize: 100,
    params: [num('mu', 5, 0.001, 1000, 'penalty weight μ of the lifted constraints'), { name: 'innerIterations', type: 'integer', default: 3, min: 1, max: 50, description: 'fixed-point sweeps per block' },
      { name: 'scheme', type: 'choice', default: 'gauss-seidel', choices: ['gauss-seidel', 'jacobi'], description: 'block update order' }] },
  { name: 'admm', title: 'ADMM for deep networks', paper: 'Wang et al., ADMM for Efficient Deep Learning (KDD 2019)', activations: ['relu'], losses: ['mse', 'cross-entropy'], defaultBatchSize: 1000,
    params: [num('rho', 1, 1e-6, 1e4, 'augmented-Lagrangian penalty ρ'), { name: 'warmStart', type: 'boolean', default: true, description: 'start from a forward pass' },
      { name: 'beta', type: 'numbers', default: null, min: 0, max: 100, description: 'per-layer penalties β (empty: derived)' }] },
];
const DATASETS = [
  { name: 'spirals', features: 2, classes: 2, trainSize: 2000, testSize: 500, available: true, reason: null },
  { name: 'blobs', features: 2, classes: 4, trainSize: 2000, testSize: 500, available: true, reason: null },
  { name: 'fashion-mnist', features: 784, classes: 10, trainSize: 60000, testSize: 10000, available: false, reason: 'install the Debian package dataset-fashion-mnist' },
];

/** @type {Map<string, any>} */
const jobs = new Map();
/** @type {Set<{socket: import('node:net').Socket, job: string|null}>} */
const sockets = new Set();

function problem(res, status, title, detail, errors) {
  const body = { type: 'about:blank', status, title, detail, ...(errors ? { errors } : {}) };
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify(body));
}
function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function validate(spec) {
  const errors = [];
  const algo = ALGORITHMS.find((a) => a.name === spec.algorithm);
  const ds = DATASETS.find((d) => d.name === spec.dataset);
  if (!algo) errors.push({ field: 'algorithm', message: `unknown algorithm '${spec.algorithm}'` });
  if (!ds) errors.push({ field: 'dataset', message: `unknown dataset '${spec.dataset}'` });
  else if (!ds.available) errors.push({ field: 'dataset', message: `not available here: ${ds.reason}` });
  const layers = spec.layers;
  if (!Array.isArray(layers) || layers.length < 2) errors.push({ field: 'layers', message: 'needs at least an input and an output size' });
  else if (ds) {
    if (layers[0] !== ds.features) errors.push({ field: 'layers[0]', message: `is ${layers[0]} but ${ds.name} has ${ds.features} features` });
    const want = spec.task === 'autoencoder' ? ds.features : ds.classes;
    if (layers.at(-1) !== want) errors.push({ field: `layers[${layers.length - 1}]`, message: `is ${layers.at(-1)} but must be ${want}` });
  }
  if (!Number.isInteger(spec.epochs) || spec.epochs < 1 || spec.epochs > 10000) errors.push({ field: 'epochs', message: `must be in [1, 10000], got ${spec.epochs}` });
  if (algo) {
    if (spec.activation && !algo.activations.includes(spec.activation)) errors.push({ field: 'activation', message: `not supported by ${algo.name}` });
    if (spec.loss && !algo.losses.includes(spec.loss)) errors.push({ field: 'loss', message: `not supported by ${algo.name}` });
    for (const [k, v] of Object.entries(spec.params ?? {})) {
      const p = algo.params.find((x) => x.name === k);
      if (!p) errors.push({ field: `params.${k}`, message: `unknown parameter of ${algo.name}` });
      else if (typeof v === 'number' && ((p.min != null && v < p.min) || (p.max != null && v > p.max)))
        errors.push({ field: `params.${k}`, message: `must be in [${p.min}, ${p.max}], got ${v}` });
    }
  }
  return errors;
}

function view(job) {
  const queued = [...jobs.values()].filter((j) => j.status === 'QUEUED').sort((a, b) => a.seq - b.seq);
  const { rows, seq, timer, ...rest } = job;
  return { ...rest, epochsDone: rows.length, latest: rows.at(-1) ?? null, queuePosition: job.status === 'QUEUED' ? queued.indexOf(job) + 1 : null };
}

let seq = 0;
function createJob(spec) {
  const id = randomUUID();
  const job = { id, name: spec.name || `${spec.algorithm} ${spec.dataset}`, status: 'QUEUED', spec, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, error: null, attempt: 1, rows: [], seq: seq++ };
  jobs.set(id, job);
  broadcast({ type: 'status', jobId: id, status: 'QUEUED', error: null }, id);
  pump();
  return job;
}

function pump() {
  const running = [...jobs.values()].filter((j) => j.status === 'RUNNING').length;
  if (running >= 2) return;
  const next = [...jobs.values()].filter((j) => j.status === 'QUEUED').sort((a, b) => a.seq - b.seq)[0];
  if (!next) return;
  next.status = 'RUNNING';
  next.startedAt = new Date().toISOString();
  broadcast({ type: 'status', jobId: next.id, status: 'RUNNING', error: null }, next.id);
  next.timer = setInterval(() => step(next), EPOCH_MS);
  pump();
}

function step(job) {
  const e = job.rows.length + 1;
  const n = job.spec.epochs;
  const lifted = ['lpom', 'admm'].includes(job.spec.algorithm);
  const rate = { sgd: 0.25, adam: 0.4, lpom: 0.18, admm: 0.12 }[job.spec.algorithm] ?? 0.2;
  const noise = () => (Math.random() - 0.5) * 0.02;
  const decay = Math.exp(-rate * e);
  const ceiling = job.spec.dataset === 'spirals' ? 0.97 : 0.9;
  const trainAccuracy = Math.min(1, ceiling - (ceiling - 0.5) * decay + noise());
  const hiddenLayers = job.spec.layers.length - 1;
  const row = {
    epoch: e, epochs: n,
    trainLoss: 0.08 + 0.65 * decay + noise(), trainAccuracy,
    testLoss: 0.11 + 0.62 * decay + noise(), testAccuracy: Math.max(0, trainAccuracy - 0.02 + noise()),
    seconds: EPOCH_MS / 1000 * (0.9 + Math.random() * 0.2),
    objective: lifted ? 120 * decay + 8 + noise() * 10 : null,
    ...(lifted ? { diagnostics: {
      residuals: Array.from({ length: hiddenLayers }, (_, i) => (0.5 + i * 0.3) * decay + 0.01),
      weightNorms: Array.from({ length: hiddenLayers }, (_, i) => 2 + i + Math.log1p(e) * (0.4 + i * 0.1)),
    } } : {}),
  };
  job.rows.push(row);
  broadcast({ type: 'epoch', jobId: job.id, ...row }, job.id);
  if (e >= n) finish(job, 'SUCCEEDED');
}

function finish(job, status, error = null) {
  clearInterval(job.timer);
  job.status = status;
  job.error = error;
  job.finishedAt = new Date().toISOString();
  broadcast({ type: 'status', jobId: job.id, status, error }, job.id);
  pump();
}

// --- WebSocket (RFC 6455, text frames only) ---
function frame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([0x81, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
  return Buffer.concat([head, payload]);
}
function broadcast(msg, jobId) {
  const data = frame(JSON.stringify(msg));
  for (const s of sockets) if (!s.job || s.job === jobId) s.socket.write(data);
}
function upgrade(req, socket) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/ws') return socket.destroy();
  if (TOKEN && url.searchParams.get('token') !== TOKEN && req.headers.authorization !== `Bearer ${TOKEN}`) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const entry = { socket, job: url.searchParams.get('job') };
  sockets.add(entry);
  socket.on('data', (buf) => {
    if ((buf[0] & 0x0f) === 0x8) socket.end(Buffer.from([0x88, 0]));
  });
  socket.on('close', () => sockets.delete(entry));
  socket.on('error', () => sockets.delete(entry));
  const job = entry.job && jobs.get(entry.job);
  if (job) {
    for (const r of job.rows) socket.write(frame(JSON.stringify({ type: 'epoch', jobId: job.id, ...r })));
    socket.write(frame(JSON.stringify({ type: 'status', jobId: job.id, status: job.status, error: job.error })));
  }
}

// --- HTTP ---
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
function readBody(req) {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  const api = /^\/(jobs|algorithms|datasets)(\/|$)/.test(path);
  if (api && TOKEN && req.headers.authorization !== `Bearer ${TOKEN}`) return problem(res, 401, 'Unauthorized', 'This server needs Authorization: Bearer <token>.');
  if (path === '/actuator/health') return json(res, 200, { status: 'UP' });
  if (path === '/algorithms') return json(res, 200, ALGORITHMS);
  if (path === '/datasets') return json(res, 200, DATASETS);
  if (path === '/jobs' && req.method === 'POST') {
    let spec;
    try {
      spec = JSON.parse(await readBody(req));
    } catch {
      return problem(res, 400, 'Malformed JSON', 'The body is not JSON.');
    }
    const errors = validate(spec);
    if (errors.length) return problem(res, 400, 'Invalid job spec', `${errors.length} field(s) need fixing`, errors);
    const job = createJob(spec);
    return json(res, 201, view(job), { Location: `/jobs/${job.id}` });
  }
  if (path === '/jobs') {
    let list = [...jobs.values()].sort((a, b) => b.seq - a.seq);
    const st = url.searchParams.get('status');
    const al = url.searchParams.get('algorithm');
    if (st) list = list.filter((j) => j.status === st);
    if (al) list = list.filter((j) => j.spec.algorithm === al);
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    return json(res, 200, { jobs: list.slice(offset, offset + limit).map(view), total: list.length, limit, offset });
  }
  const m = /^\/jobs\/([^/]+)(?:\/(metrics|cancel|weights))?$/.exec(path);
  if (m) {
    const job = jobs.get(m[1]);
    if (!job) return problem(res, 404, 'Not Found', `No job ${m[1]}`);
    if (!m[2] && req.method === 'DELETE') {
      if (['QUEUED', 'RUNNING'].includes(job.status)) return problem(res, 409, 'Conflict', 'cancel it first');
      jobs.delete(job.id);
      res.writeHead(204).end();
      return;
    }
    if (!m[2]) return json(res, 200, view(job));
    if (m[2] === 'metrics') return json(res, 200, job.rows);
    if (m[2] === 'cancel' && req.method === 'POST') {
      if (['QUEUED', 'RUNNING'].includes(job.status)) finish(job, 'CANCELLED');
      return json(res, 200, view(job));
    }
    if (m[2] === 'weights') {
      if (!job.rows.length) return problem(res, 404, 'Not Found', 'no weights yet');
      const format = url.searchParams.get('format') ?? 'json';
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${job.id}.${format}"` });
      res.end(JSON.stringify({ layers: job.spec.layers, note: 'mock weights' }));
      return;
    }
  }
  // static dist/
  let file = normalize(join(DIST, path === '/' ? 'index.html' : path));
  if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) {
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    return res.end(readFileSync(file));
  }
  problem(res, 404, 'Not Found', `No endpoint ${req.method} ${path}`);
}

const server = createServer((req, res) => handle(req, res).catch((e) => problem(res, 500, 'Mock error', String(e))));
server.on('upgrade', upgrade);
server.listen(PORT, '127.0.0.1', () => {
  console.log(`nograd mock on http://127.0.0.1:${PORT}${TOKEN ? ' (token required)' : ''}`);
  // A few jobs so the pages have something to show.
  createJob({ name: 'adam spirals', algorithm: 'adam', dataset: 'spirals', task: 'classification', layers: [2, 32, 2], activation: 'relu', loss: 'cross-entropy', epochs: 12, batchSize: 100, seed: 1, params: { lr: 0.01 } });
  createJob({ name: 'lpom spirals', algorithm: 'lpom', dataset: 'spirals', task: 'classification', layers: [2, 32, 32, 2], activation: 'relu', loss: 'mse', epochs: 20, batchSize: 100, seed: 1, params: { mu: 5 } });
  createJob({ name: 'sgd blobs', algorithm: 'sgd', dataset: 'blobs', task: 'classification', layers: [2, 16, 4], activation: 'relu', loss: 'cross-entropy', epochs: 30, batchSize: 100, seed: 1, params: {} });
});
