import type { CandidateSeat } from './holds.repository.js';

/**
 * Picks `quantity` seats from candidates sorted best first: the best run of consecutive seat
 * numbers in one row if there is one, otherwise simply the best seats.
 */
export function chooseSeats(candidates: CandidateSeat[], quantity: number): string[] {
  if (quantity === 1 || candidates.length === quantity) return candidates.slice(0, quantity).map((c) => c.seat_id);
  const rows = new Map<string, CandidateSeat[]>();
  for (const seat of candidates) {
    const key = `${seat.section}\0${seat.row_label}`;
    rows.set(key, [...(rows.get(key) ?? []), seat]);
  }
  let best: CandidateSeat[] | undefined;
  let bestRank = Infinity;
  for (const seats of rows.values()) {
    const sorted = [...seats].sort((a, b) => a.number - b.number);
    for (let i = 0; i + quantity <= sorted.length; i++) {
      const run = sorted.slice(i, i + quantity);
      if (run[quantity - 1]!.number - run[0]!.number !== quantity - 1) continue;
      const rank = Math.min(...run.map((s) => s.rank));
      if (rank < bestRank) [best, bestRank] = [run, rank];
    }
  }
  return (best ?? candidates.slice(0, quantity)).map((c) => c.seat_id);
}
