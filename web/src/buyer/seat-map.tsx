// SVG text and circles are not focusable unless given a tabindex; Biome's rules take them for HTML elements.
// biome-ignore-all lint/a11y/noAriaHiddenOnFocusable: see above
// biome-ignore-all lint/a11y/useAriaPropsSupportedByRole: the seat's role is set with the same condition as aria-checked
import { Component } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { firstFree, isFree, move, nearestFree, seatOf, type Move, type Row, type SeatModel } from './seat-model.js';
import type { Seat } from './types.js';

/**
 * The seat map: one SVG, one circle per seat, drawn from the seats' x/y. It is a single tab stop
 * (roving tabindex over the free seats): arrows move within and between rows, Home/End go to the
 * ends of a row, Page Up/Down jump five rows, Enter or Space picks or drops the seat. Each free
 * seat is a checkbox named like "Platea row 3 seat 12, Platea Preferente, $95.00, available";
 * taken seats are drawn grey and left out of the accessibility tree (the section table below the
 * map gives their counts). One click handler serves every seat, and each row redraws only when its
 * seats, its selection or the tab stop change, so thousands of seats stay cheap.
 */
export interface SeatMapProps {
  model: SeatModel;
  /** Palette slot (0-7) of each price category. */
  colorOf: Map<string, number>;
  /** The seat's accessible name; must be stable between renders unless the language changes. */
  labelOf: (seat: Seat) => string;
  selected: ReadonlySet<string>;
  /** Seats in the fan's own live hold: drawn as theirs rather than as taken. */
  mine?: ReadonlySet<string>;
  interactive: boolean;
  onToggle: (seat: Seat) => void;
  zoom: number;
  describedBy?: string;
}

interface RowProps {
  row: Row;
  mine: ReadonlySet<string>;
  selectedSig: string;
  tabStop: string | null;
  interactive: boolean;
  radius: number;
  colorOf: Map<string, number>;
  labelOf: (seat: Seat) => string;
  pitch: number;
}

class SeatRow extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps) {
    const p = this.props;
    return (
      next.row !== p.row ||
      next.mine !== p.mine ||
      next.selectedSig !== p.selectedSig ||
      next.tabStop !== p.tabStop ||
      next.interactive !== p.interactive ||
      next.labelOf !== p.labelOf ||
      next.colorOf !== p.colorOf ||
      next.radius !== p.radius
    );
  }

  override render({ row, mine, selectedSig, tabStop, interactive, radius, colorOf, labelOf, pitch }: RowProps) {
    const picked = selectedSig ? new Set(selectedSig.split(',')) : null;
    const first = row.seats[0]!;
    return (
      <g>
        <text class="row-label" x={first.x - pitch * 0.9} y={row.y} font-size={pitch * 0.8} aria-hidden="true">
          {row.label}
        </text>
        {row.seats.map((seat) => {
          if (!isFree(seat) && mine.has(seat.id)) {
            return (
              <circle
                key={seat.id}
                class="seat mine"
                cx={seat.x}
                cy={seat.y}
                r={radius}
                data-testid="seat"
                data-seat-id={seat.id}
                data-status={seat.status}
                data-mine="true"
                aria-hidden="true"
              />
            );
          }
          if (!isFree(seat)) {
            return (
              <circle
                key={seat.id}
                class="seat taken"
                cx={seat.x}
                cy={seat.y}
                r={radius * 0.7}
                data-testid="seat"
                data-seat-id={seat.id}
                data-status={seat.status}
                aria-hidden="true"
              />
            );
          }
          const on = picked?.has(seat.id) ?? false;
          return (
            <circle
              key={seat.id}
              class={on ? 'seat selected' : `seat cat-${colorOf.get(seat.categoryId) ?? 0}`}
              cx={seat.x}
              cy={seat.y}
              r={on ? radius * 1.2 : radius}
              data-testid="seat"
              data-seat-id={seat.id}
              data-status={seat.status}
              data-selected={on ? 'true' : undefined}
              role={interactive ? 'checkbox' : undefined}
              aria-checked={interactive ? on : undefined}
              aria-label={interactive ? labelOf(seat) : undefined}
              aria-hidden={interactive ? undefined : 'true'}
              tabindex={interactive ? (seat.id === tabStop ? 0 : -1) : undefined}
            />
          );
        })}
      </g>
    );
  }
}

const KEYS: Record<string, Move> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'home',
  End: 'end',
  PageUp: 'pageUp',
  PageDown: 'pageDown',
};

const NOBODY: ReadonlySet<string> = new Set();

export function SeatMap({ model, colorOf, labelOf, selected, mine = NOBODY, interactive, onToggle, zoom, describedBy }: SeatMapProps) {
  const svg = useRef<SVGSVGElement>(null);
  const [tabStopWanted, setTabStop] = useState<string | null>(null);
  const [ring, setRing] = useState<string | null>(null);
  const focusNext = useRef(false);
  const focusedId = useRef<string | null>(null);

  // The tab stop stays on a free seat: a taken one hands it to the nearest free seat.
  let tabStopSeat = seatOf(model, tabStopWanted);
  if (!isFree(tabStopSeat)) {
    const firstSelected = [...selected].map((id) => seatOf(model, id)).find(isFree);
    tabStopSeat = tabStopSeat ? nearestFree(model, tabStopSeat.x, tabStopSeat.y) : (firstSelected ?? firstFree(model));
  }
  const tabStop = tabStopSeat?.id ?? null;

  const selectedByRow = useMemo(() => {
    const byRow = new Map<number, string[]>();
    for (const id of selected) {
      const at = model.where.get(id);
      if (!at) continue;
      const list = byRow.get(at.row) ?? [];
      list.push(id);
      byRow.set(at.row, list);
    }
    return byRow;
  }, [model, selected]);

  useLayoutEffect(() => {
    const root = svg.current;
    if (!root || !tabStop) return;
    // The focused seat was just taken by someone else: keep the keyboard user on the map.
    const active = document.activeElement;
    const lostFocus =
      focusedId.current !== null && !isFree(seatOf(model, focusedId.current)) && (active === document.body || active === null || root.contains(active));
    if (focusNext.current || lostFocus) {
      focusNext.current = false;
      root.querySelector<SVGElement>(`[data-seat-id="${tabStop}"]`)?.focus();
    }
  });

  const seatFromEvent = (event: Event): Seat | undefined => {
    const id = (event.target as Element).closest?.('[data-seat-id]')?.getAttribute('data-seat-id');
    return seatOf(model, id);
  };

  const onClick = (event: MouseEvent) => {
    if (!interactive) return;
    // Seats are drawn big enough to hit (use-map-zoom.ts); a tap between them still finds the nearest.
    let seat = seatFromEvent(event);
    if (!seat) {
      // A tap between seats picks the nearest free one, so small seats are easy to hit.
      const matrix = svg.current?.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      seat = nearestFree(model, point.x, point.y, model.pitch * 0.9);
    }
    if (!isFree(seat)) return;
    setTabStop(seat!.id);
    onToggle(seat!);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const seat = seatFromEvent(event);
    if (!seat || !interactive) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onToggle(seat);
      return;
    }
    const key = KEYS[event.key];
    if (!key) return;
    event.preventDefault();
    const next = move(model, seat.id, key);
    if (next) {
      focusNext.current = true;
      setTabStop(next.id);
    }
  };

  const onFocus = (event: FocusEvent) => {
    const seat = seatFromEvent(event);
    focusedId.current = seat?.id ?? null;
    setRing(seat && (event.target as Element).matches(':focus-visible') ? seat.id : null);
  };

  const onBlur = (event: FocusEvent) => {
    // A blur because the seat just became taken (not because the user left) keeps the id.
    const left = !svg.current?.contains(event.relatedTarget as Node | null);
    if (left && isFree(seatOf(model, focusedId.current))) focusedId.current = null;
    setRing(null);
  };

  const ringSeat = seatOf(model, ring);
  const { bounds, radius } = model;
  return (
    <svg
      ref={svg}
      class="seat-map"
      data-testid="seat-map"
      data-interactive={interactive ? 'true' : undefined}
      viewBox={`${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}`}
      style={{ width: `${zoom * 100}%` }}
      role="group"
      aria-label={t('map.label')}
      aria-describedby={describedBy}
      onClick={onClick}
      onKeyDown={onKeyDown}
      onFocusCapture={onFocus}
      onBlurCapture={onBlur}
    >
      {model.sections.map((s) => (
        <text key={s.name} class="section-label" x={s.x} y={s.y} font-size={model.pitch * 1.3} aria-hidden="true">
          {s.name}
        </text>
      ))}
      {model.rows.map((row, i) => (
        <SeatRow
          key={row.key}
          row={row}
          mine={mine}
          selectedSig={selectedByRow.get(i)?.join(',') ?? ''}
          tabStop={tabStop && model.where.get(tabStop)?.row === i ? tabStop : null}
          interactive={interactive}
          radius={radius}
          pitch={model.pitch}
          colorOf={colorOf}
          labelOf={labelOf}
        />
      ))}
      {ringSeat && <circle class="focus-ring" cx={ringSeat.x} cy={ringSeat.y} r={radius * 1.9} aria-hidden="true" />}
    </svg>
  );
}
