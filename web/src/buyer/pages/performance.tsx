import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { formatDate, formatMoney, t, tp, useLocale } from '../../shared/i18n.js';
import { navigate } from '../../shared/router.js';
import { getPerformance, rememberHold } from '../catalog.js';
import { createHold, type HoldRequest } from '../checkout-api.js';
import { BestAvailable, GaCard } from '../hold-forms.js';
import { OwnHoldNotice, useOwnHold } from '../own-hold.js';
import { queuePath, useQueueGate } from '../queue-access.js';
import { Legend, mapHintKey, SaleStatus, SectionTable, seatName } from '../performance-parts.js';
import { SeatMap } from '../seat-map.js';
import { buildModel, isFree, seatOf, type SeatModel } from '../seat-model.js';
import { selectionCount, selectionTotal, SelectionPanel, type GaPick } from '../selection-panel.js';
import type { Seat } from '../types.js';
import { describeError, ErrorMessage, isNotFound, LoadError, Loading, PageTitle, useAsync } from '../ui.js';
import { useAvailability, useScheduleRefresh } from '../use-availability.js';
import { useMapZoom, ZOOM_STEP } from '../use-map-zoom.js';
import { NotFound } from './not-found.js';

/** Used only when the event could not be read; the server enforces the real limit. */
const DEFAULT_MAX = 10;

type Busy = 'seats' | 'best' | `ga:${string}` | null;

/**
 * `/performances/:id`: the seat map, best available, GA areas, and the hold that starts checkout.
 * The selection can take standing places as well as seats; they are held together, in one order.
 */
export function PerformancePage({ id }: { id: string }) {
  const locale = useLocale();
  const [context] = useAsync(() => getPerformance(id), [id, locale]);
  const [busy, setBusy] = useState<Busy>(null);
  const gated = useQueueGate(id);
  const [ownHold, clearOwnHold] = useOwnHold(id);
  const { data, error, refresh } = useAvailability(id, busy !== null);
  const [selected, setSelected] = useState<string[]>([]);
  const [gaWanted, setGaWanted] = useState<{ areaId: string | null; quantity: number }>({ areaId: null, quantity: 0 });
  const [notice, setNotice] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const [holdError, setHoldError] = useState<{ kind: Busy; error: unknown } | null>(null);
  const ctx = context.state === 'ok' ? context.value : null;
  const max = ctx?.event.maxTicketsPerOrder ?? DEFAULT_MAX;
  useScheduleRefresh(data?.status, ctx?.onSaleAt, ctx?.offSaleAt, refresh);

  const previousModel = useRef<SeatModel | undefined>(undefined);
  const model = useMemo(() => {
    if (!data) return null;
    return (previousModel.current = buildModel(data.seats, previousModel.current));
  }, [data]);
  const { scroller, zoom, min: minZoom, max: maxZoom, zoomTo, onKeyDown: zoomKeys } = useMapZoom(model);

  // Stable across refreshes unless the categories themselves change, so rows need not redraw.
  const categoriesKey = data?.categories.map((c) => `${c.id}:${c.name}:${c.price}:${c.currency}`).join('|') ?? '';
  const categories = useMemo(() => new Map(data?.categories.map((c) => [c.id, c])), [categoriesKey]);
  const colorOf = useMemo(() => new Map(data?.categories.map((c, i) => [c.id, i % 8])), [categoriesKey]);
  const labelOf = useCallback(
    (seat: Seat) => {
      const category = categories.get(seat.categoryId);
      return t('seat.label', {
        name: seatName(seat),
        category: category?.name ?? '',
        price: category ? formatMoney(category.price, category.currency) : '',
      });
    },
    [categories, locale],
  );

  const selectedSet = useMemo(() => new Set(selected), [selected]);
  // The seats of this tab's own live hold: drawn as the fan's, not as taken by someone else.
  const mine = useMemo(() => new Set(ownHold?.items.flatMap((item) => (item.seatId ? [item.seatId] : [])) ?? []), [ownHold]);
  const selectedSeats = model ? selected.map((sid) => seatOf(model, sid)).filter((s): s is Seat => s !== undefined) : [];
  const currency = data?.categories[0]?.currency ?? 'USD';
  // Behind an active waiting room, seats are picked only after admission.
  const onSale = data?.status === 'on_sale' && !gated;

  // Standing places with the seats: as many as the area has left and the per-order limit allows.
  const gaAreas = data?.gaAreas ?? [];
  const gaArea = gaAreas.find((a) => a.id === gaWanted.areaId) ?? gaAreas.find((a) => a.available > 0) ?? gaAreas[0];
  const gaRoom = gaArea ? Math.max(0, Math.min(gaArea.available, max - selected.length)) : 0;
  const ga: GaPick | null = gaArea ? { area: gaArea, quantity: Math.min(gaWanted.quantity, gaRoom) } : null;
  const places = ga?.quantity ?? 0;
  const placesRef = useRef(places);
  placesRef.current = places;
  // Fewer places left than wanted (others bought them, or the limit turned out lower): keep the lower number.
  useEffect(() => {
    if (gaWanted.quantity > places) setGaWanted((wanted) => ({ ...wanted, quantity: places }));
  }, [places]);

  // Seats someone else took since the buyer picked them leave the selection, and the buyer is told.
  useEffect(() => {
    if (!model || busy) return;
    const lost = selected.map((sid) => seatOf(model, sid)).filter((s) => s && !isFree(s)) as Seat[];
    if (!lost.length) return;
    const gone = new Set(lost.map((s) => s.id));
    setSelected((current) => current.filter((sid) => !gone.has(sid)));
    setNotice(tp('selection.lost', lost.length, { seats: lost.map(seatName).join(', ') }));
  }, [model]);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const toggle = useCallback(
    (seat: Seat) => {
      const current = selectedRef.current;
      let next: string[];
      if (current.includes(seat.id)) next = current.filter((sid) => sid !== seat.id);
      else if (current.length + placesRef.current >= max) return setNotice(t('selection.limit', { limit: max }));
      else next = [...current, seat.id];
      setNotice('');
      setSelected((selectedRef.current = next));
      // A short summary for screen readers, in the same render (the checkbox says its own state).
      const seats = model ? next.map((sid) => seatOf(model, sid)).filter((s): s is Seat => s !== undefined) : [];
      announce(seats, gaRef.current);
    },
    [max, categories, model, currency],
  );

  const gaRef = useRef(ga);
  gaRef.current = ga;
  const announce = (seats: Seat[], pick: GaPick | null) => {
    const count = selectionCount(seats.length, pick?.quantity ?? 0, ', ');
    setAnnouncement(
      count ? `${count}, ${t('selection.total', { total: formatMoney(selectionTotal(seats, pick, categories), currency) })}` : t('selection.empty'),
    );
  };
  const chooseGa = (areaId: string, quantity: number) => {
    setGaWanted({ areaId, quantity });
    const area = gaAreas.find((a) => a.id === areaId);
    if (area) announce(selectedSeats, { area, quantity });
  };
  const holdSelection = () => {
    if (ga && places > 0) {
      const gaPart = { gaAreaId: ga.area.id, quantity: places };
      return hold('seats', selected.length ? { seatIds: selected, ...gaPart } : gaPart);
    }
    return hold('seats', { seatIds: selected });
  };

  const hold = async (kind: Busy, request: HoldRequest) => {
    setBusy(kind);
    setHoldError(null);
    try {
      const created = await createHold(id, request);
      rememberHold(created);
      navigate(`/checkout/${created.holdId}`);
    } catch (e) {
      setBusy(null);
      setHoldError({ kind, error: e });
      if (e instanceof ApiError && e.code === 'not_enough_inventory') {
        const taken = (e.body.error as { seatIds?: string[] } | undefined)?.seatIds ?? [];
        if (taken.length) setSelected((current) => current.filter((sid) => !taken.includes(sid)));
      }
      refresh();
    }
  };

  // Parts that do not depend on the selection are kept as vnodes, so a click redraws only the map row.
  const legend = useMemo(() => data && <Legend availability={data} colorOf={colorOf} mine={mine.size > 0} />, [data, colorOf, locale, mine]);
  const sectionTable = useMemo(() => data && model && <SectionTable model={model} availability={data} />, [model, data, locale]);
  const seatedCategories = useMemo(() => {
    const used = new Set(data?.seats.map((seat) => seat.categoryId));
    return data?.categories.filter((c) => used.has(c.id)) ?? [];
  }, [data]);

  if (!data) {
    if (!error) return <Loading />;
    return isNotFound(error) ? <NotFound /> : <LoadError error={error} retry={refresh} />;
  }

  const title = ctx?.event.title ?? t('performance.title');
  const errorFor = (kind: Busy) =>
    holdError?.kind === kind ? <ErrorMessage error={holdError.error}>{holdMessage(holdError.error, model)}</ErrorMessage> : null;

  return (
    <div class="performance">
      {ctx && (
        <nav class="breadcrumb" aria-label={t('nav.breadcrumb')}>
          <a href={`/events/${ctx.event.slug}`}>{ctx.event.title}</a>
        </nav>
      )}
      <PageTitle title={title}>{title}</PageTitle>
      {ctx && (
        <p class="lead">
          <time dateTime={ctx.startsAt} data-testid="performance-when">
            {formatDate(ctx.startsAt, 'long', ctx.venue.timeZone)}
          </time>{' '}
          · {ctx.venue.name}
        </p>
      )}
      <SaleStatus status={data.status} onSaleAt={ctx?.onSaleAt} timeZone={ctx?.venue.timeZone} />
      {gated && (
        <div class="notice notice-info" data-testid="queue-notice">
          <p>{t('queue.notice')}</p>
          {/* target=_self: the queue page is its own entry, so the router must not take the click. */}
          <a class="button button-primary" href={queuePath(id)} target="_self" data-testid="queue-join">
            {t('queue.join')}
          </a>
        </div>
      )}
      {ownHold && (
        <OwnHoldNotice
          hold={ownHold}
          onEnded={() => {
            clearOwnHold();
            refresh();
          }}
        />
      )}
      {error !== null && (
        <p class="notice notice-warn" role="status">
          {t('performance.refreshFailed')}
        </p>
      )}

      <div class={`perf-layout${data.seats.length ? '' : ' no-seats'}${data.gaAreas.length ? '' : ' no-ga'}`}>
        {model && data.seats.length > 0 && (
          <section class="map-panel" aria-labelledby="map-heading">
            <div class="panel-head">
              <h2 id="map-heading">{t('map.heading')}</h2>
              <div class="zoom" role="group" aria-label={t('map.zoom')}>
                <button
                  type="button"
                  class="button button-icon"
                  onClick={() => zoomTo(zoom / ZOOM_STEP)}
                  disabled={zoom <= minZoom + 0.001}
                  aria-label={t('map.zoomOut')}
                  data-testid="zoom-out"
                >
                  −
                </button>
                <span class="zoom-level" aria-live="polite" data-testid="zoom-level">
                  {t('map.zoomLevel', { percent: Math.round((zoom / minZoom) * 100) })}
                </span>
                <button
                  type="button"
                  class="button button-icon"
                  onClick={() => zoomTo(zoom * ZOOM_STEP)}
                  disabled={zoom >= maxZoom - 0.001}
                  aria-label={t('map.zoomIn')}
                  data-testid="zoom-in"
                >
                  +
                </button>
              </div>
            </div>
            {legend}
            {/* biome-ignore lint/a11y/noStaticElementInteractions: + and − zoom from anywhere in the map; the buttons above do the same */}
            <div class="map-scroll" ref={scroller} onKeyDown={zoomKeys} data-testid="map-scroll">
              <SeatMap
                model={model}
                colorOf={colorOf}
                labelOf={labelOf}
                selected={selectedSet}
                mine={mine}
                interactive={onSale}
                onToggle={toggle}
                zoom={zoom}
                describedBy="map-help"
              />
            </div>
            <p id="map-help" class="small muted">
              {t(mapHintKey(data.status, gated))}
            </p>
            {sectionTable}
          </section>
        )}

        {data.seats.length > 0 && (
          <SelectionPanel
            seats={selectedSeats}
            categories={categories}
            currency={currency}
            notice={notice}
            gaAreas={gaAreas}
            ga={ga}
            gaRoom={gaRoom}
            onGa={chooseGa}
            onRemove={toggle}
            enabled={onSale && busy === null}
            working={busy === 'seats'}
            onHold={holdSelection}
            error={errorFor('seats')}
          />
        )}

        {seatedCategories.length > 0 && (
          <BestAvailable
            categories={seatedCategories}
            max={max}
            disabled={!onSale || busy !== null}
            working={busy === 'best'}
            onHold={(categoryId, quantity) => hold('best', { categoryId, quantity })}
            error={errorFor('best')}
          />
        )}

        {data.gaAreas.length > 0 && (
          <section class="ga-panel" aria-labelledby="ga-heading">
            <h2 id="ga-heading">{t('ga.heading')}</h2>
            <ul class="stack" role="list">
              {data.gaAreas.map((area) => (
                <GaCard
                  key={area.id}
                  area={area}
                  availability={data}
                  colorOf={colorOf}
                  max={max}
                  disabled={!onSale || busy !== null}
                  working={busy === `ga:${area.id}`}
                  onHold={(quantity) => hold(`ga:${area.id}`, { gaAreaId: area.id, quantity })}
                  error={errorFor(`ga:${area.id}`)}
                />
              ))}
            </ul>
          </section>
        )}
      </div>
      <p class="visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </p>
    </div>
  );
}

function holdMessage(error: unknown, model: SeatModel | null): string {
  if (error instanceof ApiError && error.code === 'not_enough_inventory') {
    const taken = (error.body.error as { seatIds?: string[] } | undefined)?.seatIds ?? [];
    const seats = model ? taken.map((sid) => seatOf(model, sid)).filter((s): s is Seat => s !== undefined) : [];
    if (seats.length) return tp('hold.seatsTaken', seats.length, { seats: seats.map(seatName).join(', ') });
  }
  return describeError(error);
}
