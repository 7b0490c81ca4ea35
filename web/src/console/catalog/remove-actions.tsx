import { useState } from 'preact/hooks';
import { navigate } from '../../shared/router';
import { flash } from '../flash';
import { adminApi, can } from '../session';
import { ConfirmButton } from '../ui';

type Kind = 'venue' | 'event' | 'performance';

const WHAT: Record<Kind, string> = { venue: 'venue', event: 'event', performance: 'performance' };

/**
 * Delete, archive (or show again) and, for a performance, cancel: each behind a confirm step. The
 * server decides what is allowed; its refusal (409, naming why: orders made, holds running,
 * performances still selling) shows in the dialog.
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
  const what = WHAT[props.kind];
  if (!can(permission) && !(props.kind === 'performance' && can('sales.control'))) return null;
  return (
    <>
      {props.kind === 'performance' && props.status !== 'cancelled' && can('sales.control') && <CancelPerformance id={props.id} onDone={props.onChanged} />}
      {can(permission) &&
        (props.archived ? (
          <ConfirmButton
            label="Show again"
            title={`Show this ${what} again?`}
            confirmLabel="Show again"
            tone="primary"
            class="btn btn-secondary btn-sm"
            testid={`${props.kind}-unarchive`}
            onConfirm={async () => {
              await adminApi(`${base}/unarchive`, { method: 'POST', body: {} });
              props.onChanged(`The ${what} is listed again.`);
            }}
          >
            <p>
              It is listed again{props.kind === 'venue' ? '' : ' and shown to the public'}; a performance archived while selling stays closed until you open its
              sales.
            </p>
          </ConfirmButton>
        ) : (
          <ConfirmButton
            label="Archive"
            title={`Archive this ${what}?`}
            confirmLabel="Archive"
            class="btn btn-secondary btn-sm"
            testid={`${props.kind}-archive`}
            onConfirm={async () => {
              await adminApi(`${base}/archive`, { method: 'POST', body: {} });
              props.onChanged(`The ${what} is archived: hidden from the public and from the lists (“Show archived” lists it).`);
            }}
          >
            <p>
              It disappears from the public pages and from the console’s lists, and keeps its orders and history.
              {props.kind !== 'venue' && ' A performance still selling with nothing sold is closed; one with sales must be cancelled or closed first.'}
            </p>
          </ConfirmButton>
        ))}
      {can(permission) && (
        <ConfirmButton
          label="Delete"
          title={`Delete this ${what}?`}
          confirmLabel="Delete for good"
          class="btn btn-danger-outline btn-sm"
          testid={`${props.kind}-delete`}
          onConfirm={async () => {
            await adminApi(base, { method: 'DELETE' });
            flash(`The ${what} was deleted.`);
            navigate(props.afterDelete);
          }}
        >
          <p>
            Only possible while no order was ever made {props.kind === 'venue' ? 'and no performance is at it' : 'and nobody holds tickets'}. It cannot be
            undone.
          </p>
        </ConfirmButton>
      )}
    </>
  );
}

function CancelPerformance(props: { id: string; onDone: (message: string) => void }) {
  const [refund, setRefund] = useState(false);
  return (
    <ConfirmButton
      label="Cancel performance"
      title="Cancel this performance?"
      confirmLabel={refund ? 'Cancel and refund everyone' : 'Cancel performance'}
      class="btn btn-danger-outline btn-sm"
      testid="performance-cancel"
      onConfirm={async () => {
        const result = await adminApi<{ releasedHolds: number; paidOrders: number; refunded: number; refundFailures: unknown[] }>(
          `/api/admin/performances/${props.id}/cancel`,
          { method: 'POST', body: { refund } },
        );
        props.onDone(
          `Performance cancelled. ${result.releasedHolds} hold(s) released; ${result.refunded} order(s) refunded` +
            (result.paidOrders ? `; ${result.paidOrders} paid order(s) left to refund (Orders, status Paid).` : '.') +
            (result.refundFailures.length ? ` ${result.refundFailures.length} refund(s) failed: try again.` : ''),
        );
      }}
    >
      <p>Sales stop for good and tickets being held are released. This cannot be undone.</p>
      {can('orders.refund') && (
        <label class="checkbox">
          <input type="checkbox" checked={refund} data-testid="performance-cancel-refund" onChange={(e) => setRefund(e.currentTarget.checked)} /> Refund every
          paid order now (asks for your second factor)
        </label>
      )}
    </ConfirmButton>
  );
}
