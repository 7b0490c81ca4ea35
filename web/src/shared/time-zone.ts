/**
 * Wall-clock times in a venue's IANA time zone, whatever the device's own: what the console's
 * date inputs read and write (the server's catalog/time-zones.ts does the same for the demo seed).
 */

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
export function zoneOffset(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a wall time names in `zone`: in the hour skipped in spring, read with the offset
 * before the change (02:30 is 03:30); in the hour repeated in autumn, the first of the two.
 */
export function zonedInstant(zone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = wall - zoneOffset(wall - 86_400_000, zone);
  const after = wall - zoneOffset(wall + 86_400_000, zone);
  const shows = [before, after].filter((t) => t + zoneOffset(t, zone) === wall);
  return shows.length ? Math.min(...shows) : before;
}

/** "2026-12-12T20:00" (a datetime-local value) as the zone's wall time of the instant. */
export function wallTime(iso: string, zone: string): string {
  const at = Date.parse(iso);
  const d = new Date(at + zoneOffset(at, zone));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A datetime-local value read as wall time in `zone`, as an ISO instant; undefined when it is not one. */
export function fromWallTime(value: string, zone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return new Date(zonedInstant(zone, y, mo, d, h, mi)).toISOString();
}

/** "Puerto Rico time" for America/Puerto_Rico; "UTC"; an offset zone by its own name. */
export function zonePlaceTime(zone: string): string {
  if (zone.includes('/') && !zone.startsWith('Etc/')) return `${zone.split('/').pop()!.replace(/_/g, ' ')} time`;
  return zone === 'Etc/UTC' ? 'UTC' : zone;
}
