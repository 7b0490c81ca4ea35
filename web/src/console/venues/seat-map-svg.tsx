import { useMemo } from 'preact/hooks';
import { formatCount } from '../format';
import { t } from '../i18n';

export interface MapSeat {
  section: string;
  x: number;
  y: number;
}
export interface MapArea {
  name: string;
  capacity: number;
  x?: number;
  y?: number;
}

const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#0284c7', '#65a30d', '#7c3aed', '#dc2626', '#475569', '#ca8a04'];
const MAX_DRAWN = 20_000;

export function sectionColours(seats: MapSeat[]): Map<string, string> {
  const colours = new Map<string, string>();
  for (const seat of seats) if (!colours.has(seat.section)) colours.set(seat.section, PALETTE[colours.size % PALETTE.length]!);
  return colours;
}

/** Typical distance between neighbouring seats, from a sample, so the dots neither overlap nor vanish. */
function seatSpacing(seats: MapSeat[]): number {
  if (seats.length < 2) return 10;
  const step = Math.max(1, Math.floor(seats.length / 60));
  const distances: number[] = [];
  for (let i = 0; i < seats.length; i += step) {
    const a = seats[i]!;
    let best = Infinity;
    const stride = Math.max(1, Math.floor(seats.length / 5000));
    for (let j = 0; j < seats.length; j += stride) {
      if (j === i) continue;
      const b = seats[j]!;
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      if (d > 0 && d < best) best = d;
    }
    if (Number.isFinite(best)) distances.push(best);
  }
  distances.sort((p, q) => p - q);
  return distances[Math.floor(distances.length / 2)] ?? 10;
}

/**
 * A small drawing of a seat map: one dot per seat, coloured by section, and GA areas as labelled
 * boxes where they have a position. Large maps are thinned out so the page stays responsive.
 */
export function SeatMapSvg(props: { seats: MapSeat[]; gaAreas: MapArea[]; label: string; testid?: string }) {
  const drawing = useMemo(() => {
    const areas = props.gaAreas.filter((a) => a.x !== undefined && a.y !== undefined && (props.seats.length === 0 || a.x !== 0 || a.y !== 0));
    const spacing = seatSpacing(props.seats);
    const points = [...props.seats, ...areas.map((a) => ({ x: a.x!, y: a.y! }))];
    if (points.length === 0) return null;
    // A loop rather than Math.min(...xs): a 100,000-seat spread would overflow the stack.
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (const p of points) {
      if (p.x < minX) minX = p.x;
      if (p.x > maxX) maxX = p.x;
      if (p.y < minY) minY = p.y;
      if (p.y > maxY) maxY = p.y;
    }
    const span = Math.max(maxX - minX, maxY - minY, spacing * 10);
    const boxW = Math.max(span * 0.3, spacing * 8);
    const boxH = Math.max(span * 0.08, spacing * 4);
    if (areas.length) {
      minX = Math.min(minX, ...areas.map((a) => a.x! - boxW / 2));
      maxX = Math.max(maxX, ...areas.map((a) => a.x! + boxW / 2));
      minY = Math.min(minY, ...areas.map((a) => a.y! - boxH / 2));
      maxY = Math.max(maxY, ...areas.map((a) => a.y! + boxH / 2));
    }
    const pad = spacing * 2;
    const step = Math.ceil(props.seats.length / MAX_DRAWN);
    return {
      viewBox: `${minX - pad} ${minY - pad} ${maxX - minX + 2 * pad || 1} ${maxY - minY + 2 * pad || 1}`,
      radius: spacing * 0.38,
      seats: step > 1 ? props.seats.filter((_, i) => i % step === 0) : props.seats,
      thinned: step > 1 ? step : 0,
      areas,
      boxW,
      boxH,
      font: Math.max(boxH * 0.28, spacing),
      colours: sectionColours(props.seats),
    };
  }, [props.seats, props.gaAreas]);

  if (!drawing) return <div class="map-empty">{t('venues.map.empty')}</div>;
  return (
    <figure class="seat-map" data-testid={props.testid}>
      <svg viewBox={drawing.viewBox} role="img" aria-label={props.label} preserveAspectRatio="xMidYMid meet">
        {drawing.areas.map((a) => (
          <g key={a.name}>
            <rect
              x={a.x! - drawing.boxW / 2}
              y={a.y! - drawing.boxH / 2}
              width={drawing.boxW}
              height={drawing.boxH}
              rx={drawing.boxH * 0.15}
              fill="#e0e7ff"
              stroke="#6366f1"
              stroke-width={drawing.radius * 0.5}
            />
            <text data-user-content x={a.x} y={a.y} text-anchor="middle" dominant-baseline="middle" font-size={drawing.font} fill="#312e81">
              {a.name} · {formatCount(a.capacity)}
            </text>
          </g>
        ))}
        {drawing.seats.map((s, i) => (
          <circle key={i} cx={s.x} cy={s.y} r={drawing.radius} fill={drawing.colours.get(s.section)} />
        ))}
      </svg>
      <figcaption class="map-legend">
        {[...drawing.colours].map(([section, colour]) => (
          <span class="legend-item" key={section}>
            <svg width="10" height="10" aria-hidden="true">
              <circle cx="5" cy="5" r="5" fill={colour} />
            </svg>
            <span data-user-content>{section}</span>
          </span>
        ))}
        {drawing.thinned > 0 && <span class="muted">{t('venues.map.thinned', { n: formatCount(drawing.thinned) })}</span>}
      </figcaption>
    </figure>
  );
}
