import type { EventLanguage, EventTranslations } from '../platform/database.types.js';
import { badRequest } from '../platform/errors.js';

/**
 * An event's title and description per language. The `title` and `description` columns are the
 * texts in the event's `default_language`; `translations` holds the others. A reader gets the
 * texts in their language where the operator wrote them, field by field, and the default
 * language's otherwise.
 */
export const EVENT_LANGUAGES = ['en', 'es', 'fr', 'nl', 'nb'] as const satisfies readonly EventLanguage[];

export interface EventTexts {
  title: string;
  description: string;
  default_language: EventLanguage;
  translations: EventTranslations;
}

function isLanguage(value: string): value is EventLanguage {
  return (EVENT_LANGUAGES as readonly string[]).includes(value);
}

/** 'es-PR' -> 'es'; Norwegian in any form -> 'nb'; anything else -> null. */
export function toLanguage(tag: string | undefined): EventLanguage | null {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  if (primary === 'no' || primary === 'nn') return 'nb';
  return isLanguage(primary) ? primary : null;
}

/**
 * The language a catalog request asks for: `?lang=` first (the buyer pages send the language
 * chosen on the page), else the first supported one in Accept-Language; null: the default's texts.
 */
export function requestedLanguage(lang: string | undefined, acceptLanguage: string | undefined): EventLanguage | null {
  if (lang) return toLanguage(lang);
  for (const part of (acceptLanguage ?? '').split(',')) {
    const found = toLanguage(part.split(';')[0]);
    if (found) return found;
  }
  return null;
}

/** The texts a reader of `language` sees, and the language the title is in (for `lang` attributes). */
export function textsIn(event: EventTexts, language: EventLanguage | null): { title: string; description: string; language: EventLanguage } {
  const own = language && language !== event.default_language ? event.translations?.[language] : undefined;
  return {
    title: own?.title || event.title,
    description: own?.description || event.description,
    language: own?.title ? language! : event.default_language,
  };
}

/**
 * Translations as stored: trimmed titles, empty entries left out. The default language has its
 * texts in `title`/`description`, so a translation into it is refused rather than silently lost.
 */
export function normaliseTranslations(translations: EventTranslations, defaultLanguage: EventLanguage): EventTranslations {
  const out: EventTranslations = {};
  for (const [language, texts] of Object.entries(translations) as [EventLanguage, { title?: string; description?: string }][]) {
    if (!isLanguage(language))
      throw badRequest('invalid_language', `translations.${language}: unknown language (one of ${EVENT_LANGUAGES.join(', ')})`, {
        field: `translations.${language}`,
      });
    const title = texts?.title?.trim() ?? '';
    const description = texts?.description ?? '';
    if (!title && !description.trim()) continue;
    if (language === defaultLanguage) {
      throw badRequest(
        'translation_is_default',
        `translations.${language} repeats the default language (${defaultLanguage}): its texts are title and description`,
        { field: `translations.${language}` },
      );
    }
    out[language] = { ...(title ? { title } : {}), ...(description.trim() ? { description } : {}) };
  }
  return out;
}
