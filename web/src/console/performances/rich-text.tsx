import type { ComponentChildren } from 'preact';
import { Fragment } from 'preact';
import { formatInteger, getLocale, type MessageKey, type PluralBase, t } from '../i18n';

/**
 * A message whose {placeholders} are elements (a date in <strong>, a link, a name marked as data),
 * put where the language puts them, so a sentence is never cut into pieces for the translator.
 */
export function tn(key: MessageKey, nodes: Record<string, ComponentChildren>): ComponentChildren {
  return t(key)
    .split(/\{(\w+)\}/)
    .map((part, i) => <Fragment key={i}>{i % 2 === 0 ? part : part in nodes ? nodes[part] : `{${part}}`}</Fragment>);
}

/** `tn` for a counted message (`base.one` / `base.other` by the language's plural rules), `{count}` formatted. */
export function tnp(base: PluralBase, count: number, nodes: Record<string, ComponentChildren>): ComponentChildren {
  const form = new Intl.PluralRules(getLocale()).select(count) === 'one' ? 'one' : 'other';
  return tn(`${base}.${form}` as MessageKey, { count: formatInteger(count), ...nodes });
}

/** Text that is data, not a message (a title, a venue's or a buyer's name, a note someone typed): the Spanish page check skips it. */
export function UserText(props: { children: ComponentChildren }) {
  return <span data-user-content="">{props.children}</span>;
}
