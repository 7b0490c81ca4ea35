import { useState } from 'preact/hooks';
import { formatCount, formatShortDateTime, statusLabel } from '../format';
import { useResource } from '../hooks';
import { t } from '../i18n';
import { Icon } from '../icons';
import { adminApi } from '../session';
import type { OutboxStatus, OutboxSummary } from '../types';
import { Badge, Empty, ErrorNotice, Loading, PageHeader } from '../ui';
import { KindLabel, LanguageName } from './outbox-words';

const PAGE = 25;
const STATUSES: OutboxStatus[] = ['queued', 'sent', 'kept', 'failed'];

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
        title={t('outbox.title')}
        subtitle={t('outbox.subtitle')}
        actions={
          <button type="button" class="btn btn-secondary btn-sm" onClick={list.reload} data-testid="outbox-refresh">
            <Icon name="refresh" size={16} /> {t('outbox.refresh')}
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
          <label for="outbox-status">{t('outbox.status')}</label>
          <select id="outbox-status" value={status} data-testid="outbox-status" onChange={(e) => apply(e.currentTarget.value, recipientInput)}>
            <option value="">{t('outbox.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-grow">
          <label for="outbox-recipient">{t('outbox.recipient')}</label>
          <input
            id="outbox-recipient"
            type="search"
            value={recipientInput}
            placeholder={t('outbox.recipientPlaceholder')}
            data-testid="outbox-recipient"
            onInput={(e) => setRecipientInput(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="btn btn-primary" data-testid="outbox-filter">
          {t('outbox.filter')}
        </button>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.messages.length === 0 && <Empty title={t('outbox.none')} />}
      {list.data && list.data.messages.length > 0 && (
        <div class="card card-flush">
          <table class="table table-hover" data-testid="outbox-table">
            <thead>
              <tr>
                <th scope="col" class="col-subject">
                  {t('outbox.subject')}
                </th>
                <th scope="col">{t('outbox.recipient')}</th>
                <th scope="col">{t('outbox.created')}</th>
                <th scope="col">{t('outbox.status')}</th>
                <th scope="col" class="num">
                  {t('outbox.attempts')}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.messages.map((m) => (
                <tr key={m.id} data-testid="outbox-row">
                  <td>
                    <a href={`/console/outbox/${m.id}`} class="strong-link" data-user-content>
                      {m.subject}
                    </a>
                    <div class="muted small">
                      <KindLabel kind={m.kind} /> · <LanguageName locale={m.locale} />
                    </div>
                  </td>
                  <td data-user-content>{m.recipient}</td>
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
              {t('outbox.previous')}
            </button>
            <span class="muted small" data-testid="outbox-range">
              {t('outbox.range', { from: formatCount(offset + 1), to: formatCount(offset + list.data.messages.length), total: formatCount(total) })}
            </span>
            <button type="button" class="btn btn-secondary btn-sm" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              {t('outbox.next')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
