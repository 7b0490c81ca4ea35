import { formatCount, formatShortDateTime } from '../format';
import { type MessageKey, t, tp } from '../i18n';
import { pageClassLabel } from '../shield/incident-words';
import { can } from '../session';
import { Empty, Section } from '../ui';
import { formatShare, peopleCsvHref, type Scope, type ScopeCriteria } from './incidents-api';

/** "1,234 people · 3,456 checkout attempts · 0.4% of all buyers · 120 ms" */
export function ScopeNumbers(props: { scope: Scope }) {
  const s = props.scope;
  return (
    <span class="incident-numbers">
      <strong data-testid="scope-people">{tp('incidents.count.people', s.people)}</strong>
      <span> · {tp('incidents.count.attempts', s.checkoutAttempts)}</span>
      <span> · {t('incidents.shareOfBuyers', { share: formatShare(s.shareOfCustomers) })}</span>
      <span class="muted"> · {formatCount(s.queryMs)} ms</span>
    </span>
  );
}

/** "build b2024…" / "builds a, b, c +2": `one` or `many` (keys with a {list}) by how many values there are. */
const list = (one: MessageKey, many: MessageKey, values: string[] | undefined, most = 3) =>
  values?.length
    ? t(values.length === 1 ? one : many, {
        list: values.length > most ? `${values.slice(0, most).join(', ')} +${values.length - most}` : values.join(', '),
      })
    : null;

/** The criteria in a line: "from 21 Nov, 10:00 · build b2024… · 2 performances · payment pages". */
export function describeCriteria(c: ScopeCriteria): string {
  const parts = [
    c.from ? t('incidents.criteria.from', { date: formatShortDateTime(c.from) }) : null,
    c.to ? t('incidents.criteria.to', { date: formatShortDateTime(c.to) }) : null,
    list('incidents.criteria.build', 'incidents.criteria.builds', c.buildIds),
    c.scriptHashes?.length ? tp('incidents.criteria.scriptHashes', c.scriptHashes.length) : null,
    c.performanceIds?.length ? tp('incidents.criteria.performances', c.performanceIds.length) : null,
    c.eventIds?.length ? tp('incidents.criteria.events', c.eventIds.length) : null,
    list('incidents.criteria.storefront', 'incidents.criteria.storefronts', c.storefronts),
    c.pageClasses?.length ? t('incidents.criteria.pages', { classes: c.pageClasses.map(pageClassLabel).join(', ') }) : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : t('incidents.criteria.all');
}

/** The scopes counted on this incident, newest first, each with its people as CSV. */
export function ScopeList(props: { incidentId: string; scopes: Scope[]; who: (actor: string) => string }) {
  const manage = can('incidents.manage');
  return (
    <Section title={t('incidents.scopesTitle', { count: props.scopes.length })} testid="incident-scopes">
      {props.scopes.length === 0 && <Empty title={t('incidents.noScopes')} />}
      {props.scopes.length > 0 && (
        <ul class="incident-scopes">
          {props.scopes.map((s, n) => (
            <li key={s.id} class="incident-scope" data-testid="incident-scope" data-id={s.id}>
              <div class="incident-scope-head">
                <ScopeNumbers scope={s} />
                {manage && (
                  <a class="btn btn-secondary btn-sm" href={peopleCsvHref(props.incidentId, s.id)} data-testid="scope-csv">
                    {t('incidents.peopleCsv')}
                  </a>
                )}
              </div>
              <p class="small break">{describeCriteria(s.criteria)}</p>
              <p class="small muted">
                {n === 0 ? `${t('incidents.newest')} · ` : ''}
                {s.createdAt ? formatShortDateTime(s.createdAt) : ''}
                {s.createdBy && (
                  <>
                    {' '}
                    {t('incidents.by')} <span data-user-content>{props.who(s.createdBy)}</span>
                  </>
                )}{' '}
                · <span class="mono">{s.id.slice(0, 8)}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
