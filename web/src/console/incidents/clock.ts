/** Under this, the regulator's clock turns red: half a working day to write and send the notice. */
export const URGENT_MS = 12 * 3600_000;

export interface ClockState {
  /** Milliseconds to the deadline; negative once it has passed. */
  left: number;
  overdue: boolean;
  urgent: boolean;
}

export function clockState(deadline: string, now: number): ClockState {
  const left = new Date(deadline).getTime() - now;
  return { left, overdue: left <= 0, urgent: left > 0 && left < URGENT_MS };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "61 h 04 min 09 s"; for a list, without the seconds ("61 h 04 min"). */
export function formatLeft(ms: number, seconds = true): string {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return seconds ? `${h} h ${two(m)} min ${two(s)} s` : h > 0 ? `${h} h ${two(m)} min` : `${m} min`;
}
