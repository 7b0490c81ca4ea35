import { dictionary, type Key, type Locale } from './strings.js';

export type FanState = 'pre_queue' | 'waiting' | 'admitted' | 'sold_out' | 'paused' | 'closed' | 'expired';

/** `GET /api/queue/status`, as documented in /api/openapi.json. */
export interface Status {
  state: FanState;
  performanceId: string;
  position: number;
  ahead: number;
  admissionsPerMinute: number;
  eta: { low: number; high: number };
  ticketsLeft: number;
  message?: string;
  accessToken?: string;
}

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Draws the page from the last answer; plain DOM, so it costs nothing on a slow phone. */
export function createView(locale: Locale) {
  const text = dictionary(locale);
  const number = new Intl.NumberFormat(locale);
  const minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' });
  const percent = new Intl.NumberFormat(locale, { style: 'percent' });
  const fill = (key: Key, n: string) => text[key].replace('{n}', n);
  const state = byId('q-state');
  const live = byId('q-live');
  let spoken = '';
  let spokenAt = 0;

  document.documentElement.lang = locale;
  document.title = `${text.title} · Taquilla`;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = text[el.dataset.t as Key];

  const show = (id: string, value: string | null) => {
    const row = byId(id);
    row.hidden = value === null;
    if (value !== null) (row.querySelector('dd') ?? row).textContent = value;
  };

  /** A range of seconds as minutes: "3–5 minutes", or "under a minute". */
  const eta = ({ low, high }: Status['eta']) => {
    const lo = Math.ceil(low / 60);
    const hi = Math.max(lo, Math.ceil(high / 60));
    if (hi < 1) return text.underMinute;
    return lo === hi || lo < 1 ? minutes.format(hi) : `${number.format(lo)}–${minutes.format(hi)}`;
  };

  /** The live region speaks state changes at once and a moving place at most every 20 seconds. */
  const speak = (message: string, urgent: boolean) => {
    const now = Date.now();
    if (message === spoken || (!urgent && now - spokenAt < 20_000)) return;
    spoken = message;
    spokenAt = now;
    live.textContent = message;
  };

  return {
    /** Before any answer: joining, or an error with no figures to show. */
    phase(key: Key) {
      state.dataset.state = 'joining';
      state.textContent = text.title;
      byId('q-why').textContent = text[key];
      for (const id of ['q-position', 'q-ahead', 'q-rate', 'q-eta', 'q-left', 'q-message']) show(id, null);
      byId('q-rejoin').hidden = true;
      speak(text[key], true);
    },

    /** A stop the fan can only get past by asking again (the shield's check failed three times). */
    retryable(key: Key) {
      this.phase(key);
      byId('q-rejoin').hidden = false;
    },

    /** The shield's check: a share (0–1) of the work, or null when it is over. */
    checking(share: number | null) {
      const box = byId('q-check');
      if (share === null) {
        box.hidden = true;
        byId('q-why').textContent = text.joining;
        return;
      }
      if (box.hidden) {
        box.hidden = false;
        byId('q-why').textContent = text.checkWhy;
        speak(fill('checking', ''), true);
      }
      // Never 100% before the answer is in: the fan would wonder why nothing happens.
      const shown = Math.min(0.99, share);
      byId('q-check-label').textContent = fill('checking', percent.format(Math.floor(shown * 100) / 100));
      (byId('q-check-bar') as HTMLProgressElement).value = shown;
    },

    /** The server asked everyone to wait (429 or 503 with Retry-After): a calm countdown, or null when it is over. */
    busy(left: number | null) {
      const line = byId('q-busy');
      const message = left === null ? '' : fill('busy', seconds.format(left));
      if (left !== null && line.hidden) speak(message, true);
      line.hidden = left === null;
      line.textContent = message;
    },

    status(s: Status) {
      const changed = state.dataset.state !== s.state;
      state.dataset.state = s.state;
      state.textContent = text[s.state];
      byId('q-why').textContent = text[`${s.state}.why`];
      const inLine = s.state === 'waiting' || s.state === 'paused';
      show('q-position', inLine && s.position > 0 ? number.format(s.position) : null);
      show('q-ahead', inLine && s.position > 0 ? number.format(s.ahead) : null);
      show('q-rate', inLine ? number.format(s.admissionsPerMinute) : null);
      show('q-eta', inLine || s.state === 'pre_queue' ? eta(s.eta) : null);
      show('q-left', s.state === 'expired' ? null : number.format(s.ticketsLeft));
      show('q-message', s.message ?? null);
      byId('q-rejoin').hidden = s.state !== 'expired';
      byId('q-home').hidden = s.state !== 'sold_out' && s.state !== 'closed' && s.state !== 'expired';
      const where = s.position > 0 && inLine ? ` ${text.position}: ${number.format(s.position)}.` : '';
      speak(`${text[s.state]}.${where}`, changed);
    },

    /** Shown while the connection is failing; the last figures stay on screen. */
    reconnecting(on: boolean) {
      byId('q-conn').hidden = !on;
    },

    /** A way through if the automatic hand-off does not happen (storage blocked, navigation cancelled). */
    continueTo(href: string) {
      const link = byId('q-continue') as HTMLAnchorElement;
      link.href = href;
      link.hidden = false;
    },
  };
}
