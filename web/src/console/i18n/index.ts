import { useEffect, useState } from 'preact/hooks';
import { en, type Messages } from './en';
import { es } from './es';

/**
 * The console's language: English or Spanish. English (en.ts) is the source and defines the keys;
 * es.ts is typed `Messages`, so a missing or extra key fails the typecheck. Both catalogues are in
 * the console's bundle (a few kilobytes each), so the first render never waits for one. The choice
 * is the browser's language (es* → Spanish, anything else → English) until the person picks one
 * with the switch; that choice is remembered in this browser and sets `<html lang>`.
 */
export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof Messages;
export type { Messages };

/** Names of the languages in themselves, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

const CATALOGUES: Record<Locale, Messages> = { en, es };
/** The same key the sign-in pages have always used, so an earlier choice there still holds. */
const STORAGE_KEY = 'taquilla.console.locale';
const listeners = new Set<(locale: Locale) => void>();

export function detectLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'es') return saved;
  } catch {
    /* storage off: the browser's language decides */
  }
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return preferred.some((tag) => tag?.toLowerCase().startsWith('es')) ? 'es' : 'en';
}

let current: Locale = detectLocale();

/** Sets `<html lang>` to the current language (at start-up, and after every switch). */
export function applyLocale(): void {
  document.documentElement.lang = current;
}

/** The person's explicit choice: remembered for the next visit. */
export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* kept for this page only */
  }
  applyLocale();
  for (const listener of listeners) listener(next);
}

export const getLocale = (): Locale => current;

/**
 * Re-renders the caller when the language changes; returns the current one. The app's root uses
 * it, so a switch redraws the whole console (no component of the console is memoised).
 */
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

/** The BCP 47 tag for Intl: British-style dates and US-style money in English; Puerto Rico's usage in Spanish. */
export const intlLocale = (): string => (current === 'es' ? 'es-PR' : 'en-GB');

export type Params = Record<string, string | number>;

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params?: Params): string {
  const text = CATALOGUES[current][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Whether the catalogue has `key` (for messages looked up by a code the server sends). */
export const hasMessage = (key: string): key is MessageKey => key in en;

/** Keys that come in `.one` / `.other` pairs. */
export type PluralBase = { [K in MessageKey]: K extends `${infer B}.other` ? B : never }[MessageKey];
const pluralRules = new Map<string, Intl.PluralRules>();
const numbers = new Map<string, Intl.NumberFormat>();

export function formatInteger(n: number): string {
  const tag = intlLocale();
  let format = numbers.get(tag);
  if (!format) numbers.set(tag, (format = new Intl.NumberFormat(tag)));
  return format.format(n);
}

/** A counted message: `base.one` or `base.other` by the language's plural rules; `{count}` is formatted. */
export function tp(base: PluralBase, count: number, params?: Params): string {
  let rules = pluralRules.get(current);
  if (!rules) pluralRules.set(current, (rules = new Intl.PluralRules(current)));
  const form = rules.select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as MessageKey, { count: formatInteger(count), ...params });
}
