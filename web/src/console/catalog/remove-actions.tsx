import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { flash } from '../flash';
import { t, tp } from '../i18n';
import { adminApi, can } from '../session';
import { ConfirmButton } from '../ui';
import { translated } from './server-error';

type Kind = 'venue' | 'event' | 'performance';

/**
 * Delete, archive (or show again) and, for a performance, cancel: each behind a confirm step. The
 * server decides what is allowed; its refusal (409, naming why: orders made, holds running,
 * performances still selling) shows in the dialog, in the console's language.
 */
export function RemoveActions(props: {
  kind: Kind;
  id: string;
  archived: boolean;
  /** Where to go once deleted. */
  afterDelete: string;
  /** After an archive, a show-again or a cancel, with what to tell the operator. */
  onChanged: (message: string) => void;
  /** A performance's status: cancel is offered until it is cancelled. */
  status?: string;
}) {
  const permission = props.kind === 'venue' ? 'venues.write' : 'events.write';
  const base = `/api/admin/${props.kind}s/${props.id}`;
  const kind = props.kind;
  if (!can(permission) && !(kind === 'performance' && can('sales.control'))) return null;
  const send = async (path: string, options: { method: string; body?: unknown }) => {
    try {
      await adminApi(path, options);
    } catch (error) {
      throw translated(error);
    }
  };
  return (
    <>
      {kind === 'performance' && props.status !== 'cancelled' && can('sales.control') && <CancelPerformance id={props.id} onDone={props.onChanged} />}
      {can(permission) &&
        (props.archived ? (
          <ConfirmButton
            label={t('catalog.showAgain')}
            title={t(`catalog.showAgainTitle.${kind}`)}
            confirmLabel={t('catalog.showAgain')}
            tone="primary"
            class="btn btn-secondary btn-sm"
            testid={`${kind}-unarchive`}
            onConfirm={async () => {
              await send(`${base}/unarchive`, { method: 'POST', body: {} });
              props.onChanged(t(`catalog.listedAgain.${kind}`));
            }}
          >
            <p>{kind === 'venue' ? t('catalog.showAgainTextVenue') : t('catalog.showAgainText')}</p>
          </ConfirmButton>
        ) : (
          <ConfirmButton
            label={t('catalog.archive')}
            title={t(`catalog.archiveTitle.${kind}`)}
            confirmLabel={t('catalog.archive')}
            class="btn btn-secondary btn-sm"
            testid={`${kind}-archive`}
            onConfirm={async () => {
              await send(`${base}/archive`, { method: 'POST', body: {} });
              props.onChanged(t(`catalog.archivedNote.${kind}`));
            }}
          >
            <p>
              {t('catalog.archiveText')}
              {kind !== 'venue' && ` ${t('catalog.archiveTextSelling')}`}
            </p>
          </ConfirmButton>
        ))}
      {can(permission) && (
        <ConfirmButton
          label={t('catalog.delete')}
          title={t(`catalog.deleteTitle.${kind}`)}
          confirmLabel={t('catalog.deleteConfirm')}
          class="btn btn-danger-outline btn-sm"
          testid={`${kind}-delete`}
          onConfirm={async () => {
            await send(base, { method: 'DELETE' });
            flash(t(`catalog.deleted.${kind}`));
            navigate(props.afterDelete);
          }}
        >
          <p>{kind === 'venue' ? t('catalog.deleteTextVenue') : t('catalog.deleteText')}</p>
        </ConfirmButton>
      )}
    </>
  );
}

function CancelPerformance(props: { id: string; onDone: (message: string) => void }) {
  const [refund, setRefund] = useState(false);
  return (
    <ConfirmButton
      label={t('catalog.cancelPerformance')}
      title={t('catalog.cancelTitle')}
      confirmLabel={refund ? t('catalog.cancelAndRefund') : t('catalog.cancelPerformance')}
      class="btn btn-danger-outline btn-sm"
      testid="performance-cancel"
      onConfirm={async () => {
        let result: { releasedHolds: number; paidOrders: number; refunded: number; refundFailures: unknown[] };
        try {
          result = await adminApi(`/api/admin/performances/${props.id}/cancel`, { method: 'POST', body: { refund } });
        } catch (error) {
          throw translated(error);
        }
        const parts = [t('catalog.cancelled'), `${tp('catalog.holdsReleased', result.releasedHolds)};`, tp('catalog.ordersRefunded', result.refunded)];
        let message = parts.join(' ');
        message += result.paidOrders ? `; ${tp('catalog.paidLeft', result.paidOrders)}.` : '.';
        if (result.refundFailures.length) message += ` ${tp('catalog.refundsFailed', result.refundFailures.length)}`;
        props.onDone(message);
      }}
    >
      <p>{t('catalog.cancelText')}</p>
      {can('orders.refund') && (
        <label class="checkbox">
          <input type="checkbox" checked={refund} data-testid="performance-cancel-refund" onChange={(e) => setRefund(e.currentTarget.checked)} />{' '}
          {t('catalog.cancelRefund')}
        </label>
      )}
    </ConfirmButton>
  );
}
