import { LOCALE_NAMES, LOCALES, setLocale, t, useLocale } from './i18n';

/** English | Español: each name in its own language; the choice is remembered in this browser. */
export function LanguageSwitch(props: { class?: string }) {
  const locale = useLocale();
  return (
    <fieldset class={`segmented ${props.class ?? ''}`} data-testid="language-switch">
      <legend class="visually-hidden">{t('shell.language')}</legend>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          class={l === locale ? 'active' : ''}
          aria-pressed={l === locale}
          data-testid={`locale-${l}`}
          onClick={() => setLocale(l)}
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </fieldset>
  );
}
