import { badRequest } from '../platform/errors.js';

/**
 * Venue time zones: IANA names the runtime knows. `Intl.supportedValuesOf` lists ICU's canonical
 * ids, which lag IANA's (ICU still says Asia/Calcutta for Asia/Kolkata), so a name outside that
 * list is also accepted when Intl formats with it and it has IANA's Area/Location shape; offsets
 * ("+04:00") and abbreviations ("AST", "EST") are refused: they do not follow summer time.
 */
const listed = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
const IANA_SHAPE = /^[A-Z][A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2}$/;

export function isTimeZone(zone: string): boolean {
  if (listed.has(zone)) return true;
  if (!IANA_SHAPE.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone as given, or a 400 `invalid_time_zone` naming the field. */
export function checkTimeZone(zone: string, field = 'timeZone'): string {
  if (isTimeZone(zone)) return zone;
  throw badRequest('invalid_time_zone', `${field} must be an IANA time zone such as America/Puerto_Rico or Europe/Madrid, not "${zone}"`, { field });
}

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
export function zoneOffset(at: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `zone` names (month 1-12). In the hour skipped by a spring-forward
 * the time is read with the offset before the change (02:30 becomes 03:30); in the hour repeated
 * in autumn, the first of the two.
 */
export function zonedTime(zone: string, year: number, month: number, day: number, hour = 0, minute = 0): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets a day before and a day after cover both sides of any change near this time.
  const before = wall - zoneOffset(new Date(wall - 86_400_000), zone);
  const after = wall - zoneOffset(new Date(wall + 86_400_000), zone);
  const shows = [before, after].filter((t) => t + zoneOffset(new Date(t), zone) === wall);
  return new Date(shows.length ? Math.min(...shows) : before);
}
