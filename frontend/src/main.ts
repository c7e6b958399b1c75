// Hash router and the page frame (nav, live indicator, token form).
import './style.css';
import { getToken, setToken } from './api';
import { onLiveState } from './live';
import { mountCompare } from './views/compare';
import { mountJobView } from './views/jobview';
import { mountJobs } from './views/jobs';
import { mountNewJob } from './views/newjob';
import { mountReproductionRun, mountReproductions } from './views/reproductions';
import { mountSweeps, mountSweepView } from './views/sweeps';

const main = document.getElementById('main')!;
let unmount: (() => void) | null = null;

function route(): void {
  unmount?.();
  unmount = null;
  main.replaceChildren();
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const query = new URLSearchParams(qs ?? '');
  const parts = path.split('/').filter(Boolean);
  let nav = 'jobs';
  if (parts[0] === 'new') {
    nav = 'new';
    unmount = mountNewJob(main);
    document.title = 'New job · nograd';
  } else if (parts[0] === 'jobs' && parts[1]) {
    unmount = mountJobView(main, decodeURIComponent(parts[1]));
    document.title = 'Job · nograd';
  } else if (parts[0] === 'sweeps' && parts[1]) {
    nav = 'sweeps';
    unmount = mountSweepView(main, decodeURIComponent(parts[1]));
    document.title = 'Sweep · nograd';
  } else if (parts[0] === 'sweeps') {
    nav = 'sweeps';
    unmount = mountSweeps(main);
    document.title = 'Sweeps · nograd';
  } else if (parts[0] === 'reproductions' && parts[1] === 'runs' && parts[2]) {
    nav = 'reproductions';
    unmount = mountReproductionRun(main, decodeURIComponent(parts[2]));
    document.title = 'Reproduction run · nograd';
  } else if (parts[0] === 'reproductions') {
    nav = 'reproductions';
    unmount = mountReproductions(main);
    document.title = 'Reproductions · nograd';
  } else if (parts[0] === 'compare') {
    nav = 'compare';
    unmount = mountCompare(main, query);
    document.title = 'Compare · nograd';
  } else {
    unmount = mountJobs(main);
    document.title = 'Jobs · nograd';
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>('header nav a')) {
    if (a.id === `nav-${nav}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// Live indicator.
const live = document.getElementById('live-state')!;
const LABELS = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', closed: 'idle' } as const;
onLiveState((s) => {
  live.dataset.state = s;
  live.textContent = LABELS[s];
  live.title = s === 'live' ? 'Updates are pushed by the server' : s === 'reconnecting' ? 'Connection lost; retrying' : '';
});

// Token form: typed once, kept in localStorage.
const toggle = document.getElementById('token-toggle') as HTMLButtonElement;
const tokenForm = document.getElementById('token-form') as HTMLFormElement;
const tokenInput = document.getElementById('token-input') as HTMLInputElement;
const banner = document.getElementById('banner')!;
const showTokenForm = (show: boolean) => {
  tokenForm.hidden = !show;
  toggle.setAttribute('aria-expanded', String(show));
  if (show) {
    tokenInput.value = getToken();
    tokenInput.focus();
  }
};
const markToken = () => {
  toggle.textContent = getToken() ? 'Token ✓' : 'Token';
};
toggle.addEventListener('click', () => showTokenForm(tokenForm.hidden));
tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(tokenInput.value.trim());
  showTokenForm(false);
  banner.hidden = true;
  route();
});
document.getElementById('token-clear')!.addEventListener('click', () => {
  setToken('');
  tokenInput.value = '';
  showTokenForm(false);
  route();
});
window.addEventListener('nograd:token', markToken);
window.addEventListener('nograd:unauthorized', () => {
  banner.hidden = false;
  banner.textContent = getToken() ? 'The server refused the saved token. Enter the right one.' : 'This server needs an access token. Enter it once; it is kept in this browser.';
  showTokenForm(true);
});
markToken();

window.addEventListener('hashchange', () => {
  route();
  main.focus({ preventScroll: true });
});
if (!location.hash) history.replaceState(null, '', '#/jobs');
route();
