import { hasMessage, type MessageKey, t } from '../i18n';

/**
 * Codes the server sends about incidents (timeline steps, kinds, statuses) and page classes, in
 * the console's language. Here, in the shield's always-loaded chunk, so the lazy integrity and
 * incidents pages share it without a new shared chunk. A code the console does not know yet is
 * shown as the server wrote it, with its underscores as spaces.
 */
export const humanise = (code: string): string => code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

const lookup = (key: string, code: string): string => (hasMessage(key) ? t(key as MessageKey) : humanise(code));

/** A timeline step (`detected`, `shield_on`, `status_resolved`…). */
export const describeWhat = (what: string): string => lookup(`incidents.what.${what}`, what);

/**
 * An incident's kind: one of the categories, or a detector's own name (`traffic_flood`…). The
 * category keys end in `.name`: the category `other` must not read as the plural form of a key.
 */
export const incidentKindLabel = (kind: string): string =>
  hasMessage(`incidents.category.${kind}.name`) ? t(`incidents.category.${kind}.name` as MessageKey) : lookup(`incidents.kind.${kind}`, kind);

/** open, contained, resolved. */
export const incidentStatusLabel = (status: string): string => lookup(`incidents.status.${status}`, status);

/** A timeline detail's name (`reason`, `pageClass`, `checkoutAttempts`…) in words; undefined for one the console does not know. */
export const detailName = (key: string): string | undefined => (hasMessage(`incidents.detail.${key}`) ? t(`incidents.detail.${key}` as MessageKey) : undefined);

/** A page class (payment, account, buyer, queue, operator), as a short lower-case word. */
export const pageClassLabel = (pageClass: string): string =>
  hasMessage(`integrity.class.${pageClass}`) ? t(`integrity.class.${pageClass}` as MessageKey) : pageClass;
