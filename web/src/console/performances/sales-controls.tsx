import { useState } from 'preact/hooks';
import { formatDate, formatDateTime, statusLabel } from '../format';
import { t } from '../i18n';
import { adminApi, can as permitted, isMissingRoute } from '../session';
import type { PerformanceDetail, PerformanceStatus } from '../types';
import { Badge, ConfirmButton, ErrorNotice, Notice } from '../ui';
import { explained, inWords } from './refusals';
import { tn, UserText } from '../ui';
import { SalesCountdown } from './sales-countdown';

type Action = 'open' | 'pause' | 'resume' | 'close';

/** The server's transitions (performances.service.ts): each action is offered only where it is allowed. */
const allowed: Record<Action, PerformanceStatus[]> = {
  open: ['scheduled'],
  pause: ['on_sale', 'sold_out'],
  resume: ['paused'],
  close: ['scheduled', 'on_sale', 'paused', 'sold_out'],
};

export function SalesControls(props: {
  /** The venue's: the sales times are shown in it. */
  timeZone?: string;
  performanceId: string;
  status: PerformanceStatus;
  /** The schedule's times, for the countdown (null when the performance has none). */
  onSaleAt: string | null;
  offSaleAt: string | null;
  next: PerformanceDetail | null;
  onChanged: (message: string) => void;
  /** Just after the schedule's time: the status has likely changed on the server. */
  onDue: () => void;
}) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ message: string; href?: string } | null>(null);
  // Buttons only for roles that control sales (the box office sees the state, not the switches).
  const can = (action: Action) => permitted('sales.control') && allowed[action].includes(props.status);

  const run = async (action: Action) => {
    setBusy(action);
    setError(null);
    setDone(null);
    try {
      const result = await adminApi<{ status: PerformanceStatus }>(`/api/admin/performances/${props.performanceId}/${action}`, { method: 'POST' });
      props.onChanged(t(`sales.changed.${action}`));
      setDone({ message: t('sales.done', { status: statusLabel(result.status, 'performance').toLowerCase() }) });
    } catch (e) {
      setError(inWords(e));
    } finally {
      setBusy(null);
    }
  };

  /** Throws so the confirmation dialog can show the error. */
  const openNext = async () => {
    let opened: { id: string };
    try {
      opened = await adminApi<{ id: string }>(`/api/admin/performances/${props.performanceId}/open-next`, { method: 'POST' });
    } catch (e) {
      // An older server has no open-next: open the next scheduled performance ourselves.
      if (!isMissingRoute(e) || !props.next) throw e;
      opened = await adminApi<{ id: string }>(`/api/admin/performances/${props.next.id}/open`, { method: 'POST' });
    }
    setError(null);
    setDone({
      message: props.next ? t('sales.nextOnSaleAt', { date: formatDateTime(props.next.startsAt, props.next.venue.timeZone) }) : t('sales.nextOnSale'),
      href: opened.id,
    });
    props.onChanged(t('sales.nextOpened'));
  };

  const quick = (action: Action, label: string, tone: string) =>
    can(action) && (
      <button type="button" class={`btn ${tone}`} disabled={busy !== null} data-testid={`sales-${action}`} onClick={() => run(action)}>
        {busy === action ? t('ui.working') : label}
      </button>
    );

  return (
    <section class="card controls" aria-labelledby="controls-title" data-testid="sales-controls">
      <div class="controls-status">
        <h2 id="controls-title" class="visually-hidden">
          {t('sales.controls')}
        </h2>
        <Badge of="performance" status={props.status} testid="sales-status" />
        <p class="muted">{t(`sales.explain.${props.status}`)}</p>
      </div>
      <div class="controls-actions">
        {quick('open', t('sales.open'), 'btn-success')}
        {quick('resume', t('sales.resume'), 'btn-success')}
        {quick('pause', t('sales.pause'), 'btn-warning')}
        {can('close') && (
          <ConfirmButton
            label={t('sales.close')}
            title={t('sales.closeTitle')}
            confirmLabel={t('sales.close')}
            testid="sales-close"
            disabled={busy !== null}
            onConfirm={async () => {
              await run('close');
            }}
          >
            <p>{t('sales.closeText')}</p>
          </ConfirmButton>
        )}
        {props.next && permitted('sales.control') && (
          <ConfirmButton
            label={
              <>
                {t('sales.openNext')} <span class="btn-note">{formatDate(props.next.startsAt, props.next.venue.timeZone)}</span>
              </>
            }
            title={t('sales.openNextTitle')}
            confirmLabel={t('sales.openNextConfirm')}
            tone="primary"
            class="btn btn-secondary btn-wrap"
            testid="open-next"
            onConfirm={explained(openNext)}
          >
            <p>
              {tn('sales.openNextText', {
                date: <strong>{formatDateTime(props.next.startsAt, props.next.venue.timeZone)}</strong>,
                venue: <UserText>{props.next.venue.name}</UserText>,
              })}
            </p>
          </ConfirmButton>
        )}
      </div>
      <SalesCountdown status={props.status} onSaleAt={props.onSaleAt} offSaleAt={props.offSaleAt} timeZone={props.timeZone} onDue={props.onDue} />
      {error !== null && <ErrorNotice error={error} title={t('sales.refused')} testid="sales-error" onClose={() => setError(null)} />}
      {done && (
        <Notice tone="success" testid="sales-done" onClose={() => setDone(null)}>
          {done.message} {done.href && <a href={`./${done.href}`}>{t('sales.toDashboard')}</a>}
        </Notice>
      )}
    </section>
  );
}
