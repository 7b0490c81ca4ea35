import { intlLocale, t } from '../i18n';
import { Field } from '../ui';

/**
 * An event's title and description per language (the buyer pages' five). The default language's
 * texts are the event's own title and description; the others are `translations`, each falling
 * back field by field to the default's where left empty.
 */
export const EVENT_LANGUAGES = ['en', 'es', 'fr', 'nl', 'nb'] as const;
export type EventLanguage = (typeof EVENT_LANGUAGES)[number];
export type Translations = Partial<Record<EventLanguage, { title?: string; description?: string }>>;

const languageNames = new Map<string, Intl.DisplayNames>();
/** A language's name in the console's language, as it reads inside a sentence ("French", "francés"). */
export function languageName(language: EventLanguage): string {
  const tag = intlLocale();
  let names = languageNames.get(tag);
  if (!names) {
    try {
      names = new Intl.DisplayNames([tag], { type: 'language' });
    } catch {
      return language;
    }
    languageNames.set(tag, names);
  }
  return names.of(language) ?? language;
}
/** The name on its own (an option, a legend): with a capital, as Spanish writes it at the start. */
const languageLabel = (language: EventLanguage): string => {
  const name = languageName(language);
  return name.charAt(0).toLocaleUpperCase(intlLocale()) + name.slice(1);
};

export interface EventTexts {
  title: string;
  description: string;
  defaultLanguage: EventLanguage;
  translations: Translations;
}

/** Translations as the API takes them: trimmed titles, empty languages and the default left out. */
export function cleanTranslations(texts: EventTexts): Translations {
  const out: Translations = {};
  for (const language of EVENT_LANGUAGES) {
    const entry = texts.translations[language];
    if (language === texts.defaultLanguage || !entry) continue;
    const title = entry.title?.trim() ?? '';
    const description = entry.description?.trim() ?? '';
    if (title || description) out[language] = { ...(title ? { title } : {}), ...(description ? { description: entry.description } : {}) };
  }
  return out;
}

/** A new default language: its translation becomes the title and description, and the old default's texts a translation. */
export function withDefault(texts: EventTexts, next: EventLanguage): EventTexts {
  if (next === texts.defaultLanguage) return texts;
  const incoming = texts.translations[next] ?? {};
  const translations: Translations = { ...texts.translations, [texts.defaultLanguage]: { title: texts.title, description: texts.description } };
  delete translations[next];
  return { defaultLanguage: next, title: incoming.title ?? '', description: incoming.description ?? '', translations };
}

export function DefaultLanguageField(props: { value: EventLanguage; onChange: (language: EventLanguage) => void }) {
  return (
    <Field label={t('events.defaultLanguage')} hint={t('events.defaultLanguageHint')} class="field-medium">
      {(id, d) => (
        <select
          id={id}
          aria-describedby={d}
          value={props.value}
          data-testid="event-default-language"
          onChange={(e) => props.onChange(e.currentTarget.value as EventLanguage)}
        >
          {EVENT_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {languageLabel(l)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Title and description in each language other than the default. */
export function TranslationsFields(props: { texts: EventTexts; onChange: (translations: Translations) => void }) {
  const others = EVENT_LANGUAGES.filter((l) => l !== props.texts.defaultLanguage);
  const filled = others.filter((l) => props.texts.translations[l]?.title?.trim() || props.texts.translations[l]?.description?.trim());
  const set = (language: EventLanguage, field: 'title' | 'description', value: string) =>
    props.onChange({ ...props.texts.translations, [language]: { ...props.texts.translations[language], [field]: value } });
  return (
    <details class="translations" data-testid="event-translations" open={filled.length > 0}>
      <summary>
        {t('events.otherLanguages')} <span class="muted small">({filled.length ? filled.map(languageName).join(', ') : t('events.noTranslations')})</span>
      </summary>
      {others.map((language) => (
        <fieldset key={language} class="translation">
          <legend>{languageLabel(language)}</legend>
          <Field label={t('events.titleIn', { language: languageName(language) })} hint={t('events.titleInHint')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                lang={language}
                maxLength={200}
                value={props.texts.translations[language]?.title ?? ''}
                data-testid={`event-title-${language}`}
                onInput={(e) => set(language, 'title', e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label={t('events.descriptionIn', { language: languageName(language) })}>
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={d}
                lang={language}
                rows={3}
                maxLength={5000}
                value={props.texts.translations[language]?.description ?? ''}
                data-testid={`event-description-${language}`}
                onInput={(e) => set(language, 'description', e.currentTarget.value)}
              />
            )}
          </Field>
        </fieldset>
      ))}
    </details>
  );
}
