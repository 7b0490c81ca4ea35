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
  /** People ahead (in the draw before the sale) when there are more than tickets left. */
  demand?: number;
  accessToken?: string;
}

/** The part of `GET /api/performances/:id/queue/summary` that says what the line is for. */
export interface Show {
  eventTitle: string;
  eventLanguage: string;
  startsAt: string;
  venueName: string;
  timeZone: string;
  /** When the sale opens (and the pre-queue is drawn), if it has an on-sale time. */
  opensAt: string | null;
}

const byId = (id: string) => document.getElementById(id) as HTMLElement;

/** Draws the page from the last answer; plain DOM, so it costs nothing on a slow phone. */
export function createView(initial: Locale) {
  let locale = initial;
  let text = dictionary(locale);
  let number: Intl.NumberFormat;
  let minutes: Intl.NumberFormat;
  let seconds: Intl.NumberFormat;
  let percent: Intl.NumberFormat;
  const fill = (key: Key, n: string) => text[key].replace('{n}', n);
  const state = byId('q-state');
  const live = byId('q-live');
  let spoken = '';
  let spokenAt = 0;
  /** What is on screen, to draw again in another language. */
  let shown: { phase: Key; retry: boolean } | { status: Status } | null = null;
  let show: Show | null = null;

  const row = (id: string, value: string | null) => {
    const el = byId(id);
    el.hidden = value === null;
    if (value !== null) (el.querySelector('dd') ?? el).textContent = value;
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

  /**
   * A time in the venue's own zone, whatever the phone's zone is, named as the other fan pages name
   * it: after its place ("8:00 PM (Puerto Rico time)", "20:00 (hora de Puerto Rico)").
   */
  const when = (iso: string, timeZone: string) => {
    try {
      const date = new Intl.DateTimeFormat(locale, {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        timeZone,
      }).format(new Date(iso));
      const place = timeZone.includes('/') && !timeZone.startsWith('Etc/') ? timeZone.split('/').pop()!.replace(/_/g, ' ') : null;
      return `${date} (${place ? text.zone.replace('{place}', place) : timeZone === 'Etc/UTC' ? 'UTC' : timeZone})`;
    } catch {
      // A zone this browser does not know: UTC, said so, rather than the phone's own time.
      return `${new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
    }
  };

  const self = {
    /** Switches every word and number on the page to `next`, at once, and draws what is shown again. */
    language(next: Locale) {
      locale = next;
      text = dictionary(locale);
      number = new Intl.NumberFormat(locale);
      minutes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'minute', unitDisplay: 'long' });
      seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'long' });
      percent = new Intl.NumberFormat(locale, { style: 'percent' });
      document.documentElement.lang = locale;
      document.title = `${text.title} · Taquilla`;
      for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = text[el.dataset.t as Key];
      for (const b of document.querySelectorAll<HTMLElement>('[data-locale]')) b.setAttribute('aria-pressed', String(b.dataset.locale === locale));
      if (show) self.show(show);
      if (shown && 'status' in shown) self.status(shown.status);
      else if (shown?.retry) self.retryable(shown.phase);
      else if (shown) self.phase(shown.phase);
    },

    /** What the line is for: event, date and time in the venue's zone, venue. */
    show(s: Show) {
      show = s;
      const title = byId('q-event');
      title.textContent = s.eventTitle;
      // The title may be in the event's own language, not the page's.
      title.lang = s.eventLanguage;
      const time = byId('q-when');
      time.textContent = when(s.startsAt, s.timeZone);
      time.setAttribute('datetime', s.startsAt);
      byId('q-venue').textContent = s.venueName;
      byId('q-show').hidden = false;
      if (shown && 'status' in shown) self.status(shown.status);
    },

    /** Before any answer: joining, or an error with no figures to show. */
    phase(key: Key) {
      shown = { phase: key, retry: false };
      state.dataset.state = 'joining';
      state.textContent = text.title;
      byId('q-why').textContent = text[key];
      for (const id of ['q-position', 'q-ahead', 'q-rate', 'q-eta', 'q-opens', 'q-left', 'q-message', 'q-pace']) row(id, null);
      byId('q-rejoin').hidden = true;
      speak(text[key], true);
    },

    /** A stop the fan can only get past by asking again (the shield's check failed three times). */
    retryable(key: Key) {
      self.phase(key);
      shown = { phase: key, retry: true };
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
      const part = Math.min(0.99, share);
      byId('q-check-label').textContent = fill('checking', percent.format(Math.floor(part * 100) / 100));
      (byId('q-check-bar') as HTMLProgressElement).value = part;
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
      shown = { status: s };
      const changed = state.dataset.state !== s.state;
      state.dataset.state = s.state;
      state.textContent = text[s.state];
      byId('q-why').textContent = text[`${s.state}.why`];
      const inLine = s.state === 'waiting' || s.state === 'paused';
      // Nobody let in over the last minute (the line just opened, or checkout is full): a pace of
      // 0 would read as "the line is stuck", so the page says how fans are let in instead.
      const moving = s.state === 'waiting' && s.admissionsPerMinute > 0;
      row('q-position', inLine && s.position > 0 ? number.format(s.position) : null);
      row('q-ahead', inLine && s.position > 0 ? number.format(s.ahead) : null);
      row('q-rate', moving ? number.format(s.admissionsPerMinute) : null);
      byId('q-pace').hidden = s.state !== 'waiting' || moving;
      row('q-eta', inLine || s.state === 'pre_queue' ? eta(s.eta) : null);
      // Before the sale: when it opens, in the venue's time (the draw and the first admissions come then).
      row('q-opens', s.state === 'pre_queue' && show?.opensAt ? when(show.opensAt, show.timeZone) : null);
      row('q-left', s.state === 'expired' ? null : number.format(s.ticketsLeft));
      row(
        'q-message',
        s.demand === undefined
          ? null
          : text[s.state === 'pre_queue' ? 'demandDraw' : 'demandAhead']
              .replace('{people}', number.format(s.demand))
              .replace('{left}', number.format(s.ticketsLeft)),
      );
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
  self.language(initial);
  return self;
}
