import { useState } from 'preact/hooks';
import { formatShortDateTime } from '../format';
import { useResource } from '../hooks';
import { Icon } from '../icons';
import { adminApi } from '../session';
import type { OutboxStatus, OutboxSummary } from '../types';
import { Badge, Empty, ErrorNotice, Loading, PageHeader } from '../ui';

const PAGE = 25;
const STATUSES: { value: '' | OutboxStatus; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'queued', label: 'Queued' },
  { value: 'sent', label: 'Sent' },
  { value: 'kept', label: 'Kept (no SMTP)' },
  { value: 'failed', label: 'Failed' },
];

export function OutboxPage() {
  const initial = new URLSearchParams(location.search);
  const [status, setStatus] = useState(initial.get('status') ?? '');
  const [recipientInput, setRecipientInput] = useState(initial.get('recipient') ?? '');
  const [recipient, setRecipient] = useState(recipientInput);
  const [offset, setOffset] = useState(0);

  const list = useResource(
    (signal) => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      if (status) params.set('status', status);
      if (recipient.trim()) params.set('recipient', recipient.trim());
      return adminApi<{ messages: OutboxSummary[]; total: number }>(`/api/admin/outbox?${params}`, { signal });
    },
    [status, recipient, offset],
  );

  const apply = (nextStatus: string, nextRecipient: string) => {
    setStatus(nextStatus);
    setRecipient(nextRecipient);
    setOffset(0);
    const params = new URLSearchParams();
    if (nextStatus) params.set('status', nextStatus);
    if (nextRecipient.trim()) params.set('recipient', nextRecipient.trim());
    history.replaceState(null, '', `/console/outbox${params.toString() ? `?${params}` : ''}`);
  };

  const total = list.data?.total ?? 0;
  return (
    <>
      <PageHeader
        title="Outbox"
        subtitle="Every email Taquilla sends. Without SMTP, messages are kept here for you to read."
        actions={
          <button type="button" class="btn btn-secondary btn-sm" onClick={list.reload} data-testid="outbox-refresh">
            <Icon name="refresh" size={16} /> Refresh
          </button>
        }
      />
      <form
        class="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          apply(status, recipientInput);
        }}
      >
        <div class="field">
          <label for="outbox-status">Status</label>
          <select id="outbox-status" value={status} data-testid="outbox-status" onChange={(e) => apply(e.currentTarget.value, recipientInput)}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-grow">
          <label for="outbox-recipient">Recipient</label>
          <input
            id="outbox-recipient"
            type="search"
            value={recipientInput}
            placeholder="Whole address, e.g. ana@example.com"
            data-testid="outbox-recipient"
            onInput={(e) => setRecipientInput(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="btn btn-primary" data-testid="outbox-filter">
          Filter
        </button>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.messages.length === 0 && <Empty title="No messages match" />}
      {list.data && list.data.messages.length > 0 && (
        <div class="card card-flush">
          <table class="table table-hover" data-testid="outbox-table">
            <thead>
              <tr>
                <th class="col-subject">Subject</th>
                <th>Recipient</th>
                <th>Created</th>
                <th>Status</th>
                <th class="num">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {list.data.messages.map((m) => (
                <tr key={m.id} data-testid="outbox-row">
                  <td>
                    <a href={`/console/outbox/${m.id}`} class="strong-link">
                      {m.subject}
                    </a>
                    <div class="muted small">
                      {m.kind} · {m.locale}
                    </div>
                  </td>
                  <td>{m.recipient}</td>
                  <td class="nowrap">{formatShortDateTime(m.createdAt)}</td>
                  <td>
                    <Badge status={m.status} />
                  </td>
                  <td class="num">{m.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            <button type="button" class="btn btn-secondary btn-sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              ← Previous
            </button>
            <span class="muted small" data-testid="outbox-range">
              {offset + 1}–{offset + list.data.messages.length} of {total}
            </span>
            <button type="button" class="btn btn-secondary btn-sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              Next →
            </button>
          </div>
        </div>
      )}
    </>
  );
}
