import { useEffect, useState } from 'preact/hooks';
import type { AccountMessages } from './locales/account/en.js';
import type { Messages } from './locales/en.js';

/**
 * The buyer's language: es, en, fr, nl or nb. English defines the keys (locales/en.ts); every
 * other dictionary is typed `Messages`, so a missing or extra key fails the typecheck. Only the
 * chosen dictionary is downloaded; `loadLocale` must finish before the first render. The account
 * pages' texts (locales/account/, typed `AccountMessages`) are a second dictionary, downloaded only
 * with those pages: `loadAccountMessages` must finish before they render.
 */
export const LOCALES = ['es', 'en', 'fr', 'nl', 'nb'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof Messages | keyof AccountMessages;
export type { AccountMessages, Messages };

/** Names of the languages in themselves, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = {
  es: 'Español',
  en: 'English',
  fr: 'Français',
  nl: 'Nederlands',
  nb: 'Norsk bokmål',
};

const loaders: Record<Locale, () => Promise<Messages>> = {
  es: () => import('./locales/es.js').then((m) => m.es),
  en: () => import('./locales/en.js').then((m) => m.en),
  fr: () => import('./locales/fr.js').then((m) => m.fr),
  nl: () => import('./locales/nl.js').then((m) => m.nl),
  nb: () => import('./locales/nb.js').then((m) => m.nb),
};

const accountLoaders: Record<Locale, () => Promise<AccountMessages>> = {
  es: () => import('./locales/account/es.js').then((m) => m.es),
  en: () => import('./locales/account/en.js').then((m) => m.en),
  fr: () => import('./locales/account/fr.js').then((m) => m.fr),
  nl: () => import('./locales/account/nl.js').then((m) => m.nl),
  nb: () => import('./locales/account/nb.js').then((m) => m.nb),
};

const STORAGE_KEY = 'taquilla.locale';
const FALLBACK: Locale = 'es';

let current: Locale = FALLBACK;
let messages: Messages | null = null;
/** Set once the account pages are wanted: from then on every language switch loads their texts too. */
let accountWanted = false;
let account: { locale: Locale; messages: AccountMessages } | null = null;
const listeners = new Set<(locale: Locale) => void>();

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Maps a BCP 47 tag to a supported language: es-PR → es, nn/no → nb. */
export function toLocale(tag: string): Locale | null {
  const primary = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'nn' || primary === 'no') return 'nb';
  return isLocale(primary) ? primary : null;
}

function stored(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage can be disabled; detection still works
  }
}

export function detectLocale(): Locale {
  const saved = stored();
  if (saved) return saved;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const locale = tag && toLocale(tag);
    if (locale) return locale;
  }
  return FALLBACK;
}

/** Loads a dictionary (and the account pages' one once they are open) and makes it current; also sets `<html lang>`. */
export async function loadLocale(locale: Locale): Promise<void> {
  const [loaded, withAccount] = await Promise.all([loaders[locale](), accountWanted ? accountLoaders[locale]() : null]);
  // The account pages may have been opened meanwhile: their texts switch with the rest.
  const accountLoaded = withAccount ?? (accountWanted ? await accountLoaders[locale]() : null);
  messages = loaded;
  if (accountLoaded) account = { locale, messages: accountLoaded };
  current = locale;
  document.documentElement.lang = locale;
  for (const listener of listeners) listener(locale);
}

/**
 * Loads the account pages' texts in the current language (the account chunk waits for this before
 * it renders); from then on `loadLocale` loads them with every language switch.
 */
export async function loadAccountMessages(): Promise<void> {
  accountWanted = true;
  while (account?.locale !== current) {
    const locale = current;
    const loaded = await accountLoaders[locale]();
    if (locale === current) account = { locale, messages: loaded };
  }
}

/** The buyer's explicit choice: remembered for the next visit. */
export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* not remembered, still switched */
  }
  await loadLocale(locale);
}

export function getLocale(): Locale {
  return current;
}

/** Re-renders the caller when the language changes; returns the current one. */
export function useLocale(): Locale {
  const [locale, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    set(current);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return locale;
}

export type Params = Record<string, string | number>;

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params?: Params): string {
  const text = messages?.[key as keyof Messages] ?? account?.messages[key as keyof AccountMessages] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Keys that come in `.one` / `.other` pairs. */
type PluralBase = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey];
const pluralRules = new Map<string, Intl.PluralRules>();

/** A counted message: picks `base.one` or `base.other` by the language's plural rules; `{count}` is formatted. */
export function tp(base: PluralBase, count: number, params?: Params): string {
  let rules = pluralRules.get(current);
  if (!rules) pluralRules.set(current, (rules = new Intl.PluralRules(current)));
  const form = rules.select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as MessageKey, { count: formatNumber(count), ...params });
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = make()));
  return format;
}

export function formatNumber(value: number): string {
  return numberFormat(`${current}|n`, () => new Intl.NumberFormat(current)).format(value);
}

/** Money from minor units, using the currency's own number of decimals (JPY has none). */
export function formatMoney(minor: number, currency: string): string {
  const format = numberFormat(`${current}|${currency}`, () => new Intl.NumberFormat(current, { style: 'currency', currency }));
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
export type DateStyle = 'long' | 'short' | 'time' | 'day';
const DATE_OPTIONS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' },
  short: { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
  day: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  time: { hour: 'numeric', minute: '2-digit' },
};

/**
 * A venue's time zone as fans call it: after its place (America/Puerto_Rico: "Puerto Rico time",
 * "hora de Puerto Rico"); UTC and offset zones by their short name.
 */
export function zoneName(timeZone: string): string {
  if (timeZone.includes('/') && !timeZone.startsWith('Etc/')) return t('date.zone', { place: timeZone.split('/').pop()!.replace(/_/g, ' ') });
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  try {
    const parts = new Intl.DateTimeFormat(current, { timeZone, timeZoneName: 'short' }).formatToParts(new Date());
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

/**
 * A date in the current language. With the venue's `timeZone` (every date of a performance) it is
 * read in the venue's wall time, whatever the device's zone, and a time says which zone it is in
 * ("20:00 (Puerto Rico time)") unless `named` is false (a second time beside a named one).
 * Without one, in the device's zone (the fan's own sign-ins and passkeys).
 */
export function formatDate(iso: string | Date, style: DateStyle = 'long', timeZone?: string, named = true): string {
  const key = `${current}|${style}|${timeZone ?? ''}`;
  let format = dateFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(current, { ...DATE_OPTIONS[style], timeZone });
    } catch {
      // A zone this browser does not know: the device's time, still named as the venue's would be misleading.
      return formatDate(iso, style);
    }
    dateFormats.set(key, format);
  }
  const text = format.format(typeof iso === 'string' ? new Date(iso) : iso);
  return timeZone && named && style !== 'day' ? `${text} (${zoneName(timeZone)})` : text;
}
