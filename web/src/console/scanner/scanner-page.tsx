import { type MessageKey, t } from '../i18n';
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadEvents } from '../events/events-api';
import { formatShortDateTime, formatTime } from '../format';
import { session } from '../session';
import type { EventListItem } from '../types';
import { CameraScanner, cameraSupported } from './camera-scanner';
import { checkIn, signal, type Outcome, type Scan } from './check-in';

const HISTORY = 12;
const SOUND_KEY = 'taquilla.console.scanner-sound';
const DOOR_KEY = 'taquilla.console.scanner-performance';

const idle = {
  outcome: 'idle' as const,
  get title() {
    return t('scanner.ready');
  },
  get detail() {
    return t('scanner.readyDetail');
  },
};

function ResultPanel(props: { scan: Scan | null; busy: boolean }) {
  const s = props.scan ?? idle;
  const mark = s.outcome === 'admitted' ? '✓' : s.outcome === 'already_used' ? '!' : s.outcome === 'idle' ? '' : '✕';
  return (
    <div
      class={`scan-result scan-${s.outcome} ${props.busy ? 'scan-busy' : ''}`}
      data-testid="scan-result"
      data-result={s.outcome}
      role="status"
      aria-live="assertive"
      aria-atomic="true"
    >
      {mark && (
        <span class="scan-mark" aria-hidden="true">
          {mark}
        </span>
      )}
      <div>
        <p class="scan-title">{props.busy ? t('scanner.checking') : s.title}</p>
        <p class="scan-detail" data-testid="scan-detail">
          {s.detail}
        </p>
        {props.scan && (
          <p class="scan-meta">
            {formatTime(props.scan.at)} · {props.scan.source === 'camera' ? t('scanner.camera') : t('scanner.typed')} ·{' '}
            <span class="mono">{props.scan.code.slice(0, 14)}…</span>
          </p>
        )}
      </div>
    </div>
  );
}

const short: Record<Outcome, MessageKey> = {
  admitted: 'scanner.admitted',
  already_used: 'scanner.alreadyUsed',
  invalid: 'scanner.invalid',
  error: 'scanner.notChecked',
};

export function ScannerPage() {
  const [code, setCode] = useState('');
  const [current, setCurrent] = useState<Scan | null>(null);
  const [history, setHistory] = useState<Scan[]>([]);
  const [busy, setBusy] = useState(false);
  const [sound, setSound] = useState(() => localStorage.getItem(SOUND_KEY) !== 'off');
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const nextId = useRef(1);
  const soundRef = useRef(sound);
  soundRef.current = sound;
  useEffect(() => input.current?.focus(), []);
  // The performance this door admits; tickets for other shows are refused. Kept per browser tab.
  const [door, setDoor] = useState(() => sessionStorage.getItem(DOOR_KEY) ?? '');
  const doorRef = useRef(door);
  doorRef.current = door;
  const [events, setEvents] = useState<EventListItem[]>([]);
  // A door account bound to some performances scans only at those (the server refuses the others).
  const me = session();
  const bound = me.status === 'ready' && me.staff.role === 'door' && me.staff.performanceIds.length > 0 ? new Set(me.staff.performanceIds) : null;
  useEffect(() => {
    loadEvents().then(setEvents, () => setEvents([]));
  }, []);

  // Scans are checked one at a time, in the order they came (a handheld scanner can be quick).
  const submit = (raw: string, source: Scan['source']) => {
    const value = raw.trim();
    if (!value) return;
    queue.current = queue.current.then(async () => {
      setBusy(true);
      const result = await checkIn(value, doorRef.current || undefined);
      const scan: Scan = { id: nextId.current++, at: Date.now(), code: value, source, ...result };
      setBusy(false);
      setCurrent(scan);
      setHistory((h) => [scan, ...h].slice(0, HISTORY));
      signal(scan.outcome, soundRef.current);
    });
  };

  const counts: Partial<Record<Outcome, number>> = {};
  for (const s of history) counts[s.outcome] = (counts[s.outcome] ?? 0) + 1;
  return (
    <div class="scanner">
      <div class="scanner-main">
        <h1 class="visually-hidden">{t('scanner.title')}</h1>
        <label class="scan-door">
          {t('scanner.doorAdmits')}{' '}
          <select
            data-testid="scan-performance"
            value={door}
            onChange={(e) => {
              setDoor(e.currentTarget.value);
              sessionStorage.setItem(DOOR_KEY, e.currentTarget.value);
              input.current?.focus();
            }}
          >
            <option value="">{bound ? t('scanner.anyOfYours') : t('scanner.any')}</option>
            {events.flatMap((ev) =>
              ev.performances
                .filter((p) => !bound || bound.has(p.id))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {ev.title} · {formatShortDateTime(p.startsAt, p.timeZone)}
                  </option>
                )),
            )}
          </select>
        </label>
        <ResultPanel scan={current} busy={busy} />
        <form
          class="scan-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit(code, 'manual');
            setCode('');
            input.current?.focus();
          }}
        >
          <label for="scan-input" class="scan-label">
            {t('scanner.codeLabel')}
          </label>
          <div class="scan-input-row">
            <input
              id="scan-input"
              ref={input}
              value={code}
              data-testid="scan-input"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              enterkeyhint="go"
              placeholder={t('scanner.placeholder')}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
            <button type="submit" class="btn btn-primary btn-lg" data-testid="scan-submit">
              {t('scanner.check')}
            </button>
          </div>
          <p class="hint">{t('scanner.handheldHint')}</p>
        </form>
        {cameraSupported() ? (
          <CameraScanner onCode={(value) => submit(value, 'camera')} />
        ) : (
          <p class="hint" data-testid="camera-unsupported">
            {t('scanner.noCamera')}
          </p>
        )}
      </div>
      <aside class="scanner-side card" aria-labelledby="history-title">
        <div class="card-header">
          <h2 id="history-title">{t('scanner.recent')}</h2>
          <label class="toggle">
            <input
              type="checkbox"
              checked={sound}
              data-testid="scan-sound"
              onChange={(e) => {
                setSound(e.currentTarget.checked);
                localStorage.setItem(SOUND_KEY, e.currentTarget.checked ? 'on' : 'off');
              }}
            />{' '}
            {t('scanner.sound')}
          </label>
        </div>
        <p class="muted small">
          {t('scanner.tally', { admitted: counts.admitted ?? 0, refused: (counts.already_used ?? 0) + (counts.invalid ?? 0) })}
          {counts.error ? t('scanner.tallyErrors', { errors: counts.error }) : ''} {t('scanner.thisPage')}
        </p>
        {history.length === 0 ? (
          <p class="muted">{t('scanner.noScans')}</p>
        ) : (
          <ol class="scan-history" data-testid="scan-history">
            {history.map((s) => (
              <li key={s.id} class={`history-${s.outcome}`} data-result={s.outcome}>
                <span class="history-dot" aria-hidden="true" />
                <div>
                  <strong>{t(short[s.outcome])}</strong> <span class="muted small">{formatTime(s.at)}</span>
                  <div class="small">{s.detail}</div>
                </div>
              </li>
            ))}
          </ol>
        )}
      </aside>
    </div>
  );
}
