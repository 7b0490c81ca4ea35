import { useState } from 'preact/hooks';
import { formatShortDateTime, fromLocalInput } from '../format';
import { useResource } from '../hooks';
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
      <PageHeader title="Audit log" subtitle="Every change and every sign-in, in a hash chain: each entry seals the one before it." />
      <div class="stack">
        <ChainState />
        <form class="card filters audit-filters" onSubmit={apply} data-testid="audit-filters">
          {input('actor', 'Actor', 'text', 'staff:…, key:…, break_glass')}
          {input('action', 'Action', 'text', 'accounts.staff')}
          {input('subjectType', 'Subject type', 'text', 'staff, order…')}
          {input('subjectId', 'Subject id')}
          {input('from', 'From', 'datetime-local')}
          {input('to', 'To', 'datetime-local')}
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="audit-apply">
              Filter
            </button>
          </div>
        </form>
        <Section title="Entries" class="card-flush-body" testid="audit-entries">
          <ErrorNotice error={entries.error} />
          {!entries.data && entries.loading && <Loading />}
          {entries.data?.length === 0 && <Empty title="No entries match these filters." />}
          {entries.data && entries.data.length > 0 && (
            <table class="table table-compact">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Actor</th>
                  <th>Action</th>
                  <th>Subject</th>
                  <th>Details</th>
                  <th class="num">#</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.map((e) => (
                  <tr key={e.id} data-testid="audit-entry" data-action={e.action}>
                    <td class="nowrap">{formatShortDateTime(e.at)}</td>
                    <td class="break" title={e.actor}>
                      {who(e.actor)}
                      {e.ip && <div class="small muted mono">{e.ip}</div>}
                    </td>
                    <td class="mono small">{e.action}</td>
                    <td class="break small">
                      {e.subjectType} <span class="mono muted">{e.subjectId}</span>
                    </td>
                    <td class="small">
                      {Object.keys(e.data).length > 0 && (
                        <details>
                          <summary>data</summary>
                          <pre class="incident-json">{JSON.stringify(e.data, null, 2)}</pre>
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
            Newer
          </button>
          <button type="button" class="btn btn-secondary btn-sm" disabled={(entries.data?.length ?? 0) < PAGE} onClick={() => setOffset(offset + PAGE)}>
            Older
          </button>
        </div>
      </div>
    </>
  );
}
