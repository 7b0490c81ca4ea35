import { fromWallTime, wallTime } from '../shared/time-zone';
import { formatInteger, intlLocale, type MessageKey, t } from './i18n';

/**
 * Formatting for the console, in its language (i18n.ts: en-GB style in English, es-PR in Spanish), money in each currency's own minor unit. Dates of a
 * performance (its start, doors, sales times, and what happens to its orders and tickets) take the
 * venue's `zone` and are read in the venue's time with the zone named; other dates (sign-ins,
 * audit, incidents) are in the browser's time zone.
 */

const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
const DATE_ONLY: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
const SHORT_THIS_YEAR: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
const SHORT_OTHER_YEAR: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
const TIME_ONLY: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
const HOUR_MINUTE: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

export const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const formats = new Map<string, Intl.DateTimeFormat>();
/** A formatter for `options` in `zone` (the browser's without one, or for a zone this browser does not know). */
function inZone(options: Intl.DateTimeFormatOptions, zone: string | undefined): Intl.DateTimeFormat {
  const locale = intlLocale();
  const key = `${locale}|${JSON.stringify(options)}|${zone ?? ''}`;
  let format = formats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    } catch {
      return inZone(options, undefined);
    }
    formats.set(key, format);
  }
  return format;
}
const named = (text: string, zone: string | undefined, name: boolean) => (zone && name ? `${text} (${zoneName(zone)})` : text);

/** With the venue's `zone`: in its time, the zone named unless `name` is false. */
export const formatDateTime = (iso: string | null | undefined, zone?: string, name = true): string =>
  iso ? named(inZone(DATE_TIME, zone).format(new Date(iso)), zone, name) : '—';
/** "21 Nov, 22:14" for tables; the year only when it is not this one. With a `zone`, in its time (not named: tables say it once). */
export function formatShortDateTime(iso: string, zone?: string): string {
  const d = new Date(iso);
  return inZone(d.getFullYear() === new Date().getFullYear() ? SHORT_THIS_YEAR : SHORT_OTHER_YEAR, zone).format(d);
}
export const formatDate = (iso: string, zone?: string): string => inZone(DATE_ONLY, zone).format(new Date(iso));
/** "Puerto Rico time" ("hora de Puerto Rico") for a venue in America/Puerto_Rico; "UTC"; an offset zone by its own name. */
export function zoneName(zone: string): string {
  if (zone.includes('/') && !zone.startsWith('Etc/')) return t('format.zone', { place: zone.split('/').pop()!.replace(/_/g, ' ') });
  return zone === 'Etc/UTC' ? 'UTC' : zone;
}
export const formatTime = (value: string | number | Date): string => inZone(TIME_ONLY, undefined).format(new Date(value));
export const formatHourMinute = (value: string | number | Date): string => inZone(HOUR_MINUTE, undefined).format(new Date(value));
export const formatCount = (n: number): string => formatInteger(n);

export function formatAgo(iso: string | number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return t('format.secondsAgo', { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('format.minutesAgo', { n: minutes });
  const hours = Math.round(minutes / 60);
  return hours < 48 ? t('format.hoursAgo', { n: hours }) : t('format.daysAgo', { n: Math.round(hours / 24) });
}

/** Digits after the decimal point for a currency: 2 for EUR and USD, 0 for JPY, 3 for KWD. */
export function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string | null | undefined): string {
  if (!currency) return formatCount(minor / 100);
  const digits = fractionDigits(currency);
  try {
    // en-US writes "$3,465.00" (en-GB would write "US$"), and every other currency the same way; es-PR writes "$3,465.00" too.
    return new Intl.NumberFormat(intlLocale() === 'en-GB' ? 'en-US' : intlLocale(), { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** "12.50" in EUR → 1250; null when the text is not an amount of that currency. */
export function parseMajor(text: string, currency: string): number | null {
  const clean = text.trim().replace(/\s/g, '').replace(',', '.');
  const digits = fractionDigits(currency);
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(clean)) return null;
  const [whole, fraction = ''] = clean.split('.');
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function toMajor(minor: number, currency: string): string {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** ISO instant → value for `<input type="datetime-local">`: the venue's wall time with its `zone`, else the browser's. */
export function toLocalInput(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '';
  if (zone) return wallTime(iso, zone);
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value → ISO instant, read as the venue's wall time with its `zone`, else the browser's. */
export function fromLocalInput(value: string, zone?: string): string | undefined {
  if (!value) return undefined;
  if (zone) return fromWallTime(value, zone);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const STATUSES = new Set([
  'scheduled',
  'on_sale',
  'paused',
  'sold_out',
  'closed',
  'cancelled',
  'pending_payment',
  'paid',
  'expired',
  'refunded',
  'valid',
  'void',
  'queued',
  'sent',
  'kept',
  'failed',
  'active',
  'invited',
  'disabled',
  'revoked',
]);

/**
 * A status in words ("On sale", "A la venta"); one the console does not know, as the server names
 * it. `of`: a performance's status agrees with "función" in Spanish ("Cancelada", not "Cancelado").
 */
export function statusLabel(status: string, of?: 'performance'): string {
  if (of === 'performance' && status === 'cancelled') return t('status.performance.cancelled');
  return STATUSES.has(status) ? t(`status.${status}` as MessageKey) : status.replace(/_/g, ' ');
}

/** Tone of a status badge. */
export function statusTone(status: string): 'good' | 'warn' | 'bad' | 'info' | 'neutral' {
  if (['on_sale', 'paid', 'valid', 'sent', 'admitted', 'active'].includes(status)) return 'good';
  if (['paused', 'pending_payment', 'queued', 'kept', 'already_used', 'invited'].includes(status)) return 'warn';
  if (['cancelled', 'failed', 'void', 'invalid', 'refunded', 'disabled', 'revoked'].includes(status)) return 'bad';
  if (['sold_out', 'scheduled'].includes(status)) return 'info';
  return 'neutral';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
