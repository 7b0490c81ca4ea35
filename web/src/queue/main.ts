import './queue.css';
import { detectLocale } from './strings.js';
import { createView, type FanState, type Status } from './view.js';

/**
 * `/queue/:performanceId`: joins the line once per device, then polls the status answer until
 * admitted and hands the access token to the buyer pages. No framework, so it stays a few KB
 * and keeps working on a slow phone or when the main app is degraded. The queue ticket lives in
 * localStorage, so a reload keeps the place.
 */
const performanceId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const TICKET = `taquilla.queue.${performanceId}`;
const view = createView(detectLocale());

const store = {
  get: (key: string) => { try { return localStorage.getItem(key); } catch { return null; } },
  set: (key: string, value: string) => { try { localStorage.setItem(key, value); } catch { /* kept for this load only */ } },
  drop: (key: string) => { try { localStorage.removeItem(key); } catch { /* nothing kept */ } },
};

function deviceKey(): string {
  let key = store.get('taquilla.queue-key');
  if (!key || key.length < 8) {
    key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    store.set('taquilla.queue-key', key);
  }
  return key;
}

/** One request; throws only when the network fails. */
async function call(path: string, init: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(path, { ...init, cache: 'no-store', headers: { accept: 'application/json', ...init.headers } });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

let ticket = store.get(TICKET);
let failures = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let last: FanState | null = null;
let stopped = false;

/** Every ~3 s; 10 s before the opening and after the end (the line may still move to another date). */
function delay(): number {
  if (failures > 0) return Math.min(30_000, 1000 * 2 ** failures) * (0.5 + Math.random() / 2);
  // Hidden tabs slow down but keep checking in: a fan silent past the grace period (60 s by default) loses the turn.
  if (document.hidden) return 20_000;
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

async function join(): Promise<boolean> {
  const { status, body } = await call(`/api/performances/${encodeURIComponent(performanceId)}/queue`, { method: 'POST', headers: { 'x-queue-key': deviceKey() } });
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
    view.status({ state: error.state === 'sold_out' ? 'sold_out' : 'closed', performanceId, position: 0, ahead: 0, admissionsPerMinute: 0, eta: { low: 0, high: 0 }, ticketsLeft: 0 });
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
    } catch { /* the buyer pages will send the fan back here; nothing better to do without storage */ }
  }
  view.continueTo(href);
  location.assign(href);
}

async function tick() {
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
    view.status(answer);
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

view.phase('joining');
void tick();
