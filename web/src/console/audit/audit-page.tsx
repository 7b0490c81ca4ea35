import { useState } from 'preact/hooks';
import { formatShortDateTime, fromLocalInput } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { adminApi, can } from '../session';
import { listStaff } from '../staff/staff-api';
import { Empty, ErrorNotice, Loading, PageHeader, Section } from '../ui';
import { ChainState } from './chain-state';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  ip: string | null;
  data: Record<string, unknown>;
  seq: number | null;
}

const FILTERS = ['actor', 'action', 'subjectType', 'subjectId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const PAGE = 50;

function readFilters(): Filters {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
}

/** The audit log with filters (who, what, on what, when), and the hash chain's verification state. */
export function AuditPage() {
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [draft, setDraft] = useState<Filters>(filters);
  const [offset, setOffset] = useState(0);
  const entries = useResource(
    async (signal) => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      for (const f of FILTERS) {
        const value = filters[f].trim();
        if (!value) continue;
        params.set(f, f === 'from' || f === 'to' ? (fromLocalInput(value) ?? value) : value);
      }
      return (await adminApi<{ entries: AuditEntry[] }>(`/api/admin/audit?${params}`, { signal })).entries;
    },
    [filters, offset],
  );
  // Staff ids read as names where the role may see the staff list.
  const names = useResource(
    async (signal) => (can('staff.read') ? new Map((await listStaff(signal)).map((s) => [`staff:${s.id}`, s.name || s.email])) : new Map()),
    [],
  );
  const who = (actor: string) => names.data?.get(actor) ?? actor;

  const apply = (event: Event) => {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
    const params = new URLSearchParams();
    for (const f of FILTERS) if (draft[f].trim()) params.set(f, draft[f].trim());
    history.replaceState(null, '', `/console/audit${params.toString() ? `?${params}` : ''}`);
  };
  const input = (f: (typeof FILTERS)[number], label: string, type: 'text' | 'datetime-local' = 'text', placeholder?: string) => {
    const common = {
      id: `audit-${f}`,
      'data-testid': `audit-${f}`,
      value: draft[f],
      onInput: (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [f]: e.currentTarget.value }),
    };
    return (
      <div class="field">
        <label for={`audit-${f}`}>{label}</label>
        {type === 'datetime-local' ? <input type="datetime-local" {...common} /> : <input type="text" placeholder={placeholder} {...common} />}
      </div>
    );
  };

  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <div class="stack">
        <ChainState />
        <form class="card filters audit-filters" onSubmit={apply} aria-label={t('audit.filters')} data-testid="audit-filters">
          {input('actor', t('audit.actor'), 'text', 'staff:…, key:…, break_glass')}
          {input('action', t('audit.action'), 'text', 'accounts.staff')}
          {input('subjectType', t('audit.subjectType'), 'text', 'staff, order…')}
          {input('subjectId', t('audit.subjectId'))}
          {input('from', t('audit.from'), 'datetime-local')}
          {input('to', t('audit.to'), 'datetime-local')}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="audit-apply">
              {t('audit.filter')}
            </button>
          </div>
        </form>
        <Section title={t('audit.entries')} class="card-flush-body" testid="audit-entries">
          <ErrorNotice error={entries.error} />
          {!entries.data && entries.loading && <Loading />}
          {entries.data?.length === 0 && <Empty title={t('audit.none')} />}
          {entries.data && entries.data.length > 0 && (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th>{t('audit.colWhen')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.colSubject')}</th>
                  <th>{t('audit.colDetails')}</th>
                  <th class="num">
                    <abbr title={t('audit.colSeq')}>#</abbr>
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((e) => (
                  <tr key={e.id} data-testid="audit-entry" data-action={e.action}>
                    <td class="nowrap">{formatShortDateTime(e.at)}</td>
                    <td class="break" title={e.actor}>
                      <span data-user-content>{who(e.actor)}</span>
                      {e.ip && <div class="small muted mono">{e.ip}</div>}
                    </td>
                    <td class="mono small" data-user-content>
                      {e.action}
                    </td>
                    <td class="break small" data-user-content>
                      {e.subjectType} <span class="mono muted">{e.subjectId}</span>
                    </td>
                    <td class="small">
                      {Object.keys(e.data).length > 0 && (
                        <details>
                          <summary>{t('audit.data')}</summary>
                          <pre class="incident-json" data-user-content>
                            {JSON.stringify(e.data, null, 2)}
                          </pre>
                        </details>
                      )}
                    </td>
                    <td class="num mono small">{e.seq ?? '…'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <div class="pager">
          <button type="button" class="btn btn-secondary btn-sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('audit.newer')}
          </button>
          <button type="button" class="btn btn-secondary btn-sm" disabled={(entries.data?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>
            {t('audit.older')}
          </button>
        </div>
      </div>
    </>
  );
}
