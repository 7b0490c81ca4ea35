import './queue.css';
import '../shared/widget-host.js';
import { startVerifiedWorker } from '../shared/trusted-types.js';
import powWorkerUrl from './pow.worker.ts?worker&url';
import type { Challenge, WorkerReply } from './pow.js';
import { detectLocale, isLocale, type Locale, saveLocale } from './strings.js';
import { createView, type FanState, type Show, type Status } from './view.js';

/**
 * `/queue/:performanceId`: joins the line once per device, then polls the status answer until
 * admitted and hands the access token to the buyer pages. No framework, so it stays a few KB
 * and keeps working on a slow phone or when the main app is degraded. The queue ticket lives in
 * localStorage, so a reload keeps the place. While the shield is on, joining needs a proof of work
 * that a worker computes; when the server asks everyone to wait, the page waits as long as asked.
 */
const performanceId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const TICKET = `taquilla.queue.${performanceId}`;
let locale: Locale = detectLocale();
const view = createView(locale);

const store = {
  get: (key: string) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set: (key: string, value: string) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      /* kept for this load only */
    }
  },
  drop: (key: string) => {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing kept */
    }
  },
};

function deviceKey(): string {
  let key = store.get('taquilla.queue-key');
  if (!key || key.length < 8) {
    key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    store.set('taquilla.queue-key', key);
  }
  return key;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds from a Retry-After header (a number or an HTTP date); null when there is none. */
function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : null;
}

/**
 * Waits out the server's Retry-After, counting down on screen. Up to a fifth more, at random,
 * so a crowd told the same number does not come back in one wave.
 */
async function waitOut(seconds: number) {
  const until = Date.now() + seconds * 1000 * (1 + Math.random() / 5);
  for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
    view.busy(Math.ceil(left / 1000));
    await sleep(Math.min(1000, left));
  }
  view.busy(null);
}

/**
 * One request; throws only when the network fails. A 429 (rate_limited) or 503 (overloaded,
 * queue_unavailable) with Retry-After is asked again only after that long, however many times.
 */
// The answers' fields are checked where they are read; the page carries no copy of the API's types (7 KB budget).
// biome-ignore lint/suspicious/noExplicitAny: see above
async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  for (;;) {
    const response = await fetch(path, { ...init, cache: 'no-store', headers: { accept: 'application/json', ...init.headers } });
    const body = await response.json().catch(() => ({}));
    const wait = response.status === 429 || response.status === 503 ? retryAfter(response.headers.get('retry-after')) : null;
    if (wait === null) return { status: response.status, body };
    await waitOut(wait);
  }
}

/**
 * Solves in a worker so the page keeps drawing and the progress bar moves. Module workers are in
 * every browser since 2023; there is no main-thread fallback, which would double the page's weight.
 */
async function solveInWorker(challenge: Challenge): Promise<string> {
  const worker = await startVerifiedWorker(new URL(powWorkerUrl, location.href));
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
      if ('progress' in data) return view.checking(data.progress);
      worker.terminate();
      resolve(data.solution);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(event);
    };
    worker.postMessage(challenge);
  });
}

/** A fresh challenge, solved: the value of X-Shield-Solution; null if this browser cannot solve it. */
async function prove(): Promise<string | null> {
  const { status, body } = await call('/api/shield/challenge');
  if (status !== 200) throw new Error(`challenge: ${status}`); // retried like a failed connection
  view.checking(0);
  try {
    return await solveInWorker(body as Challenge);
  } catch {
    return null;
  } finally {
    view.checking(null);
  }
}

/** `performanceId:locale` of the names on screen, or being fetched. */
let showKey = '';

/**
 * What the line is for, in the fan's language: fetched once per performance and language (again
 * after the line moved to another date, or the fan switched language). A failure is not shown:
 * the next status answer asks again.
 */
async function loadShow(id: string) {
  const key = `${id}:${locale}`;
  if (showKey === key) return;
  showKey = key;
  try {
    const response = await fetch(`/api/performances/${encodeURIComponent(id)}/queue/summary?lang=${locale}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const show = (await response.json()) as Show;
    if (showKey === key) view.show(show);
  } catch {
    if (showKey === key) showKey = '';
  }
}

let ticket = store.get(TICKET);
let failures = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let last: FanState | null = null;
/** Seconds to the opening, from the last pre-queue answer (its `eta.low`); 0 once it is due. */
let opensIn = 0;
let stopped = false;
let running = false;

/**
 * Every ~3 s; 10 s after the end (the line may still move to another date) and before the opening.
 * The sale opens by itself at its time, and the draw with it, so the first ask after the opening
 * comes 1–2 s after it (spread, so the whole pre-queue does not ask in the same instant), and every
 * 3 s once the opening is due.
 */
function delay(): number {
  if (failures > 0) return Math.min(30_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
  // Hidden tabs slow down but keep checking in: a fan silent past the grace period (60 s by default) loses the turn.
  if (document.hidden) return 20_000;
  if (last === 'pre_queue') return opensIn > 0 ? Math.min(10_000, (opensIn + 1 + Math.random()) * 1000) : 3000;
  return last === 'waiting' || last === 'paused' || last === null ? 3000 : 10_000;
}

function schedule(ms = delay()) {
  clearTimeout(timer);
  if (!stopped) timer = setTimeout(tick, ms);
}

function failed() {
  failures++;
  view.reconnecting(true);
  schedule();
}

/** Three solved challenges refused in a row means something is wrong that retrying will not fix. */
const MAX_PROOFS = 3;

async function join(): Promise<boolean> {
  let solution: string | null = null;
  let proofs = 0;
  let status: number;
  // biome-ignore lint/suspicious/noExplicitAny: as in call()
  let body: any;
  for (;;) {
    const headers: Record<string, string> = { 'x-queue-key': deviceKey() };
    if (solution) headers['x-shield-solution'] = solution;
    ({ status, body } = await call(`/api/performances/${encodeURIComponent(performanceId)}/queue`, { method: 'POST', headers }));
    // The shield is on, or the last answer was reused, expired or wrong: solve a new challenge.
    if (status !== 401 || body?.error?.code !== 'challenge_required') break;
    solution = proofs++ < MAX_PROOFS ? await prove() : null;
    if (!solution) {
      stopped = true;
      view.retryable('checkFailed');
      return false;
    }
  }
  if (status === 201) {
    ticket = body.queueTicket as string;
    store.set(TICKET, ticket);
    return true;
  }
  const error = body?.error ?? {};
  if (error.code === 'no_waiting_room') {
    stopped = true;
    location.replace(`/performances/${encodeURIComponent(performanceId)}`);
  } else if (error.code === 'queue_closed') {
    stopped = true;
    view.status({
      state: error.state === 'sold_out' ? 'sold_out' : 'closed',
      performanceId,
      position: 0,
      ahead: 0,
      admissionsPerMinute: 0,
      eta: { low: 0, high: 0 },
      ticketsLeft: 0,
    });
  } else if (status === 404 || status === 400) {
    stopped = true;
    view.phase('notFound');
  } else {
    failed();
  }
  return false;
}

function admitted(s: Status) {
  stopped = true;
  const href = `/performances/${encodeURIComponent(s.performanceId)}`;
  if (s.accessToken) {
    try {
      sessionStorage.setItem(`taquilla.access.${s.performanceId}`, JSON.stringify({ accessToken: s.accessToken, performanceId: s.performanceId }));
    } catch {
      /* the buyer pages will send the fan back here; nothing better to do without storage */
    }
  }
  view.continueTo(href);
  location.assign(href);
}

async function tick() {
  // A visibility change or the rejoin button may ask while a join is solving or waiting out a Retry-After.
  if (running) return;
  running = true;
  try {
    if (!ticket && !(await join())) return;
    const { status, body } = await call('/api/queue/status', { headers: { authorization: `Queue ${ticket}` } });
    if (status === 401) {
      // Altered, or signed with a key that was retired: start again with a fresh ticket.
      store.drop(TICKET);
      ticket = null;
      return failed();
    }
    if (status !== 200) return failed();
    failures = 0;
    view.reconnecting(false);
    const answer = body as Status;
    last = answer.state;
    opensIn = answer.eta?.low ?? 0;
    view.status(answer);
    void loadShow(answer.performanceId);
    if (answer.state === 'admitted') return admitted(answer);
    if (answer.state === 'expired') {
      stopped = true;
      store.drop(TICKET);
      ticket = null;
      return;
    }
    schedule();
  } catch {
    failed();
  } finally {
    running = false;
  }
}

document.getElementById('q-rejoin')!.addEventListener('click', () => {
  stopped = false;
  view.phase('joining');
  void tick();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !stopped && failures === 0) schedule(0);
});

for (const button of document.querySelectorAll<HTMLElement>('[data-locale]')) {
  button.addEventListener('click', () => {
    const next = button.dataset.locale;
    if (!isLocale(next) || next === locale) return;
    locale = next;
    saveLocale(next);
    view.language(next);
    void loadShow(showKey.split(':')[0] || performanceId);
  });
}

view.phase('joining');
void loadShow(performanceId);
void tick();
