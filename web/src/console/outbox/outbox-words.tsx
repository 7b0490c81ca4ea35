import { hasMessage, intlLocale, type MessageKey, t } from '../i18n';

/** What kind of email a message is (`order_confirmation`, `incident_notice`…); a kind the console does not know, as the server names it. */
export function KindLabel(props: { kind: string }) {
  const key = `outbox.kind.${props.kind}`;
  if (hasMessage(key)) return <span title={props.kind}>{t(key as MessageKey)}</span>;
  return (
    <span class="mono" data-user-content>
      {props.kind}
    </span>
  );
}

const names = new Map<string, Intl.DisplayNames | null>();

/** A message's language ("es") by its name in the console's language ("Spanish", "español"), the code in the tooltip. */
export function LanguageName(props: { locale: string }) {
  const tag = intlLocale();
  if (!names.has(tag)) {
    try {
      names.set(tag, new Intl.DisplayNames([tag], { type: 'language' }));
    } catch {
      names.set(tag, null);
    }
  }
  let name: string | undefined;
  try {
    name = names.get(tag)?.of(props.locale);
  } catch {
    /* not a language tag: shown as it is */
  }
  return <span title={props.locale}>{name ?? props.locale}</span>;
}
