import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api';
import { loadEvent } from '../events/events-api';
import { Flash } from '../flash';
import { formatDateTime } from '../format';
import { usePolling, useResource } from '../hooks';
import { t } from '../i18n';
import { adminApi, can, isMissingRoute } from '../session';
import type { SalesReport, TimelinePoint } from '../types';
import { RemoveActions } from '../catalog/remove-actions';
import { Badge, ErrorNotice, Loading, Notice, PageHeader, Section } from '../ui';
import { DatesForm } from './dates-form';
import { QueuePanel } from './queue-panel';
import { UserText } from '../ui';
import { SalesBreakdown } from './sales-breakdown';
import { SalesControls } from './sales-controls';
import { LiveIndicator, OrdersAndDoors, SalesNumbers, TimelineCard } from './sales-dashboard';

const POLL_MS = 3000;

export function PerformancePage(props: { eventId: string; id: string }) {
  const event = useResource((signal) => loadEvent(props.eventId, signal), [props.eventId]);
  const [report, setReport] = useState<SalesReport | null>(null);
  const [points, setPoints] = useState<TimelinePoint[] | null>(null);
  const [timelineMissing, setTimelineMissing] = useState(false);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [pollError, setPollError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);

  const refresh = usePolling(
    async (signal) => {
      const sales = adminApi<SalesReport>(`/api/admin/performances/${props.id}/sales`, { signal });
      const timeline = timelineMissing
        ? Promise.resolve(null)
        : adminApi<{ points: TimelinePoint[] }>(`/api/admin/performances/${props.id}/sales/timeline?minutes=60`, { signal }).catch((e: unknown) => {
            if (isMissingRoute(e)) {
              setTimelineMissing(true);
              return null;
            }
            throw e;
          });
      try {
        const [s, timelineAnswer] = await Promise.all([sales, timeline]);
        if (signal.aborted) return;
        setReport(s);
        if (timelineAnswer) setPoints(timelineAnswer.points);
        setUpdatedAt(Date.now());
        setPollError(null);
      } catch (e) {
        if (!signal.aborted) setPollError(e);
      }
    },
    POLL_MS,
    [props.id],
  );

  const e = event.data;
  const performance = e?.performances.find((p) => p.id === props.id);
  const status = report?.status ?? performance?.status;
  const next =
    e && performance ? (e.performances.find((p) => p.status === 'scheduled' && p.id !== performance.id && p.startsAt > performance.startsAt) ?? null) : null;
  const currency = report?.currency ?? e?.priceCategories[0]?.currency ?? null;
  const notFound = (pollError instanceof ApiError && pollError.status === 404 && !report) || (e && !performance);

  return (
    <>
      <PageHeader
        back={{ href: `/console/events/${props.eventId}`, label: e?.title ?? t('perf.event') }}
        title={performance ? formatDateTime(performance.startsAt, performance.venue.timeZone) : t('perf.title')}
        badge={status && <Badge of="performance" status={status} />}
        subtitle={
          e &&
          performance && (
            <>
              <UserText>{e.title}</UserText> · <UserText>{performance.venue.name}</UserText>
            </>
          )
        }
        actions={
          <>
            <LiveIndicator updatedAt={updatedAt} failing={pollError !== null} />
            {(can('orders.box_office') || can('orders.comp') || can('inventory.block')) && (
              <a
                class="btn btn-primary btn-sm"
                href={`/console/events/${props.eventId}/performances/${props.id}/box-office`}
                data-testid="performance-box-office"
              >
                {t('perf.boxOffice')}
              </a>
            )}
            {can('orders.read') && (
              <a class="btn btn-secondary btn-sm" href={`/console/orders?performanceId=${props.id}`} data-testid="performance-orders">
                {t('perf.orders')}
              </a>
            )}
            {performance && (
              <RemoveActions
                kind="performance"
                id={props.id}
                archived={Boolean(performance.archivedAt)}
                status={status}
                afterDelete={`/console/events/${props.eventId}`}
                onChanged={(message) => {
                  setNote(message);
                  refresh();
                  event.reload();
                }}
              />
            )}
          </>
        }
      />
      <Flash />
      {note && (
        <Notice tone="success" testid="performance-note" onClose={() => setNote(null)}>
          {note}
        </Notice>
      )}
      {performance?.archivedAt && <Notice tone="info">{t('perf.archived')}</Notice>}
      <ErrorNotice error={event.error} />
      {notFound && <ErrorNotice error={new Error(t('perf.notFound'))} />}
      {pollError !== null && report && <ErrorNotice error={pollError} title={t('perf.refreshFailed')} />}
      {!report && !pollError && <Loading label={t('perf.loading')} />}
      {report && status && (
        <div class="stack">
          <SalesControls
            performanceId={props.id}
            status={status}
            onSaleAt={performance?.onSaleAt ?? null}
            offSaleAt={performance?.offSaleAt ?? null}
            timeZone={performance?.venue.timeZone}
            next={next}
            onChanged={() => {
              refresh();
              event.reload();
            }}
            onDue={refresh}
          />
          <SalesNumbers report={report} currency={currency} />
          {can('sales.read') && <SalesBreakdown performanceId={props.id} refreshKey={report.sold} />}
          {can('queue.read') && (
            <QueuePanel
              performanceId={props.id}
              performances={e?.performances ?? []}
              next={next}
              onMoved={() => {
                refresh();
                event.reload();
              }}
            />
          )}
          <div class="grid-2-1">
            <TimelineCard points={points} missing={timelineMissing} currency={currency} />
            <OrdersAndDoors report={report} />
          </div>
          {performance && can('events.write') && (
            <Section title={t('perf.dates')} testid="performance-dates">
              <DatesForm performance={performance} onSaved={event.reload} />
            </Section>
          )}
        </div>
      )}
    </>
  );
}
