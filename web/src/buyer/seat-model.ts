import type { Seat } from './types.js';

/**
 * The seat map's geometry, built from the availability answer: seats grouped into rows (ordered
 * top to bottom), the drawing's bounds and seat size, and the moves of the keyboard. Rows whose
 * seats did not change keep their object from the previous build, so the map redraws only the
 * rows that did.
 */
export interface Row {
  key: string;
  section: string;
  label: string;
  y: number;
  /** Left to right. */
  seats: Seat[];
  sig: string;
}

export interface SeatModel {
  rows: Row[];
  where: Map<string, { row: number; index: number }>;
  bounds: { x: number; y: number; width: number; height: number };
  radius: number;
  pitch: number;
  sections: { name: string; x: number; y: number }[];
}

const median = (values: number[], fallback: number) => {
  if (!values.length) return fallback;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export function buildModel(seats: Seat[], previous?: SeatModel): SeatModel {
  const groups = new Map<string, Seat[]>();
  for (const seat of seats) {
    const key = `${seat.section}\u0000${seat.row}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(seat);
  }
  const old = new Map(previous?.rows.map((r) => [r.key, r]));
  const rows: Row[] = [];
  for (const [key, group] of groups) {
    group.sort((a, b) => a.x - b.x || a.y - b.y);
    const sig = group.map((s) => s.status[0]).join('');
    const before = old.get(key);
    const same =
      before && before.sig === sig && before.seats.length === group.length && before.seats.every((s, i) => s.id === group[i]!.id && s.x === group[i]!.x);
    rows.push(
      same
        ? before
        : {
            key,
            section: group[0]!.section,
            label: group[0]!.row,
            sig,
            seats: group,
            y: group.reduce((sum, s) => sum + s.y, 0) / group.length,
          },
    );
  }
  rows.sort((a, b) => a.y - b.y || a.seats[0]!.x - b.seats[0]!.x);

  const where = new Map<string, { row: number; index: number }>();
  rows.forEach((row, r) => row.seats.forEach((seat, index) => where.set(seat.id, { row: r, index })));

  // Seat pitch: the usual distance to the next seat in a row and to the next row of a section.
  const dx: number[] = [];
  const dy: number[] = [];
  const lastY = new Map<string, number>();
  for (const row of rows) {
    for (let i = 1; i < row.seats.length; i++) dx.push(row.seats[i]!.x - row.seats[i - 1]!.x);
    const prev = lastY.get(row.section);
    if (prev !== undefined && row.y > prev) dy.push(row.y - prev);
    lastY.set(row.section, row.y);
  }
  const px = median(
    dx.filter((d) => d > 0),
    0,
  );
  const py = median(dy, 0);
  const pitch = Math.min(px || py || 20, py || px || 20);
  const radius = pitch * 0.42;

  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const sectionTop = new Map<string, { minX: number; maxX: number; minY: number }>();
  for (const seat of seats) {
    minX = Math.min(minX, seat.x);
    maxX = Math.max(maxX, seat.x);
    minY = Math.min(minY, seat.y);
    maxY = Math.max(maxY, seat.y);
    const s = sectionTop.get(seat.section);
    if (!s) sectionTop.set(seat.section, { minX: seat.x, maxX: seat.x, minY: seat.y });
    else {
      s.minX = Math.min(s.minX, seat.x);
      s.maxX = Math.max(s.maxX, seat.x);
      s.minY = Math.min(s.minY, seat.y);
    }
  }
  if (!seats.length) {
    minX = minY = 0;
    maxX = maxY = 100;
  }
  // Room for the row numbers on the left and the section names above.
  const pad = pitch * 3;
  return {
    rows,
    where,
    radius,
    pitch,
    bounds: { x: minX - pad, y: minY - pad, width: maxX - minX + 2 * pad, height: maxY - minY + pad * 1.5 },
    sections: [...sectionTop].map(([name, s]) => ({ name, x: (s.minX + s.maxX) / 2, y: s.minY - pitch * 1.3 })),
  };
}

export const isFree = (seat: Seat | undefined) => seat?.status === 'available';

export function seatOf(model: SeatModel, id: string | null | undefined): Seat | undefined {
  const at = id ? model.where.get(id) : undefined;
  return at ? model.rows[at.row]!.seats[at.index] : undefined;
}

export type Move = 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'pageUp' | 'pageDown';

function nearestInRow(row: Row, x: number): Seat | undefined {
  let best: Seat | undefined;
  for (const seat of row.seats) if (isFree(seat) && (!best || Math.abs(seat.x - x) < Math.abs(best.x - x))) best = seat;
  return best;
}

/** The next row up or down with a free seat: the same section first, then any. */
function verticalStep(model: SeatModel, from: number, x: number, direction: 1 | -1): Seat | undefined {
  const current = model.rows[from]!;
  const candidates = model.rows.filter((row, i) => i !== from && (row.y - current.y) * direction > 0 && row.seats.some(isFree));
  const sameSection = candidates.filter((row) => row.section === current.section);
  const pool = sameSection.length ? sameSection : candidates;
  let best: Row | undefined;
  let bestScore = Infinity;
  for (const row of pool) {
    // Nearest row first; among rows level with each other, the one nearest across.
    const score = Math.abs(row.y - current.y) * 1000 + Math.abs((nearestInRow(row, x)?.x ?? x) - x);
    if (score < bestScore) {
      best = row;
      bestScore = score;
    }
  }
  return best && nearestInRow(best, x);
}

/** Where an arrow (or Home, End, Page Up, Page Down) goes from `fromId`; undefined to stay. */
export function move(model: SeatModel, fromId: string, key: Move): Seat | undefined {
  const at = model.where.get(fromId);
  if (!at) return undefined;
  const row = model.rows[at.row]!;
  const seat = row.seats[at.index]!;
  switch (key) {
    case 'left':
      for (let i = at.index - 1; i >= 0; i--) if (isFree(row.seats[i])) return row.seats[i];
      return undefined;
    case 'right':
      for (let i = at.index + 1; i < row.seats.length; i++) if (isFree(row.seats[i])) return row.seats[i];
      return undefined;
    case 'home':
      return row.seats.find(isFree);
    case 'end':
      return [...row.seats].reverse().find(isFree);
    case 'up':
      return verticalStep(model, at.row, seat.x, -1);
    case 'down':
      return verticalStep(model, at.row, seat.x, 1);
    case 'pageUp':
    case 'pageDown': {
      let target: Seat | undefined;
      let id = fromId;
      for (let i = 0; i < 5; i++) {
        const next = move(model, id, key === 'pageUp' ? 'up' : 'down');
        if (!next) break;
        target = next;
        id = next.id;
      }
      return target;
    }
  }
}

/** The free seat nearest to a point, within `maxDistance`. */
export function nearestFree(model: SeatModel, x: number, y: number, maxDistance = Infinity): Seat | undefined {
  let best: Seat | undefined;
  let bestD = maxDistance * maxDistance;
  for (const row of model.rows) {
    for (const seat of row.seats) {
      if (!isFree(seat)) continue;
      const d = (seat.x - x) ** 2 + (seat.y - y) ** 2;
      if (d <= bestD) {
        best = seat;
        bestD = d;
      }
    }
  }
  return best;
}

export function firstFree(model: SeatModel): Seat | undefined {
  for (const row of model.rows) for (const seat of row.seats) if (isFree(seat)) return seat;
  return undefined;
}
