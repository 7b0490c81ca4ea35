import { formatCount, formatShortDateTime, plural } from '../format';
import { can } from '../session';
import { Empty, Section } from '../ui';
import { formatShare, peopleCsvHref, type Scope, type ScopeCriteria } from './incidents-api';

/** "1,234 people · 3,456 checkout attempts · 0.4% of all buyers · 120 ms" */
export function ScopeNumbers(props: { scope: Scope }) {
  const s = props.scope;
  return (
    <span class="incident-numbers">
      <strong data-testid="scope-people">{plural(s.people, 'person', 'people')}</strong>
      <span> · {plural(s.checkoutAttempts, 'checkout attempt')}</span>
      <span> · {formatShare(s.shareOfCustomers)} of all buyers</span>
      <span class="muted"> · {formatCount(s.queryMs)} ms</span>
    </span>
  );
}

const list = (label: string, values: string[] | undefined, many = 3) =>
  values?.length ? `${label} ${values.length > many ? `${values.slice(0, many).join(', ')} +${values.length - many}` : values.join(', ')}` : null;

/** The criteria in a line: "from 21 Nov, 10:00 · build b2024… · 2 performances · payment pages". */
export function describeCriteria(c: ScopeCriteria): string {
  const parts = [
    c.from ? `from ${formatShortDateTime(c.from)}` : null,
    c.to ? `to ${formatShortDateTime(c.to)}` : null,
    list(c.buildIds?.length === 1 ? 'build' : 'builds', c.buildIds),
    c.scriptHashes?.length ? plural(c.scriptHashes.length, 'script hash', 'script hashes') : null,
    c.performanceIds?.length ? plural(c.performanceIds.length, 'performance') : null,
    c.eventIds?.length ? plural(c.eventIds.length, 'event') : null,
    list(c.storefronts?.length === 1 ? 'storefront' : 'storefronts', c.storefronts),
    c.pageClasses?.length ? `${c.pageClasses.join(', ')} pages` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'every checkout attempt';
}

/** The scopes counted on this incident, newest first, each with its people as CSV. */
export function ScopeList(props: { incidentId: string; scopes: Scope[]; who: (actor: string) => string }) {
  const manage = can('incidents.manage');
  return (
    <Section title={`Scopes counted (${props.scopes.length})`} testid="incident-scopes">
      {props.scopes.length === 0 && <Empty title="No scope counted yet." />}
      {props.scopes.length > 0 && (
        <ul class="incident-scopes">
          {props.scopes.map((s, n) => (
            <li key={s.id} class="incident-scope" data-testid="incident-scope" data-id={s.id}>
              <div class="incident-scope-head">
                <ScopeNumbers scope={s} />
                {manage && (
                  <a class="btn btn-secondary btn-sm" href={peopleCsvHref(props.incidentId, s.id)} data-testid="scope-csv">
                    People (CSV)
                  </a>
                )}
              </div>
              <p class="small break">{describeCriteria(s.criteria)}</p>
              <p class="small muted">
                {n === 0 ? 'Newest · ' : ''}
                {s.createdAt ? formatShortDateTime(s.createdAt) : ''}
                {s.createdBy ? ` by ${props.who(s.createdBy)}` : ''} · <span class="mono">{s.id.slice(0, 8)}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
