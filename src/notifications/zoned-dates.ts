import type { SupportedLocale } from './templates.strings.js';

/**
 * Dates as fans read them: in the venue's wall time, with the zone named after its place
 * ("20:00 (Puerto Rico time)"), so a fan abroad knows the time is the venue's and not theirs.
 * Intl's own zone names are the region's ("Atlantic Standard Time") and differ by language in what
 * they name; the place in the IANA id is what the venue's own fans call it.
 */
const placeTime: Record<SupportedLocale, (place: string) => string> = {
  en: (place) => `${place} time`,
  es: (place) => `hora de ${place}`,
  fr: (place) => `heure de ${place}`,
  nl: (place) => `lokale tijd in ${place}`,
  nb: (place) => `lokal tid i ${place}`,
};

/** 'America/Puerto_Rico' -> 'Puerto Rico'; null for zones that name no place (UTC, Etc/GMT+4). */
export function zonePlace(zone: string): string | null {
  if (!zone.includes('/') || zone.startsWith('Etc/')) return null;
  return zone.split('/').pop()!.replace(/_/g, ' ');
}

/** "Puerto Rico time", "hora de Puerto Rico"; UTC and offset zones by their own short name. */
export function zoneLabel(zone: string, language: SupportedLocale, intlLocale: string = language): string {
  const place = zonePlace(zone);
  if (place) return placeTime[language](place);
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  const name = new Intl.DateTimeFormat(intlLocale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName');
  return name?.value ?? zone;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * `at` in the zone's wall time with the zone named, e.g. "Saturday, 12 December 2026 at 20:00
 * (Puerto Rico time)". A zone the runtime does not know (a venue saved before validation) is read
 * as UTC and says so: an email written inside the order's transaction must not fail over it.
 */
export function formatZoned(at: Date, zone: string, language: SupportedLocale, intlLocale: string = language): string {
  let used = zone;
  const format = (z: string) => {
    const key = `${intlLocale}\0${z}`;
    let f = formats.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(intlLocale, { dateStyle: 'full', timeStyle: 'short', timeZone: z });
      if (formats.size < 500) formats.set(key, f);
    }
    return f.format(at);
  };
  let text: string;
  try {
    text = format(zone);
  } catch {
    used = 'UTC';
    text = format(used);
  }
  return `${text} (${zoneLabel(used, language, intlLocale)})`;
}
