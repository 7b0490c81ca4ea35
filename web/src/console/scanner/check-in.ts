import { ApiError } from '../../shared/api';
import { formatAgo, formatTime } from '../format';
import { adminApi } from '../session';

export type Outcome = 'admitted' | 'already_used' | 'invalid' | 'error';

export interface Scan {
  id: number;
  at: number;
  code: string;
  source: 'camera' | 'manual';
  outcome: Outcome;
  title: string;
  detail: string;
}

type CheckInResponse =
  | { result: 'admitted'; ticket: { id: string; label: string; categoryName: string; performanceId: string } }
  | { result: 'already_used'; firstScanAt: string }
  | { result: 'invalid'; reason: string };

const reasons: Record<string, string> = {
  bad_signature: 'Not a genuine Taquilla ticket: the code is altered or made up.',
  unknown_ticket: 'The code is genuine but there is no such ticket.',
  void: 'This ticket was voided: its order was refunded or cancelled.',
  wrong_performance: 'This ticket is for another performance, not the one this door admits.',
};

/**
 * Asks the server to admit a ticket, with the console's credential (check-in needs a door
 * credential: `checkin.scan`). `api()` returns the refusal bodies (they carry `result`), so only a
 * malformed request, a refused credential or a network failure throws.
 */
export async function checkIn(code: string, performanceId?: string): Promise<Pick<Scan, 'outcome' | 'title' | 'detail'>> {
  try {
    const r = await adminApi<CheckInResponse>('/api/checkin', { method: 'POST', body: performanceId ? { code, performanceId } : { code } });
    if (r.result === 'admitted') return { outcome: 'admitted', title: 'Admitted', detail: `${r.ticket.label} · ${r.ticket.categoryName}` };
    if (r.result === 'already_used') {
      return { outcome: 'already_used', title: 'Already used', detail: `First scanned at ${formatTime(r.firstScanAt)} (${formatAgo(r.firstScanAt)}).` };
    }
    return { outcome: 'invalid', title: 'Invalid ticket', detail: reasons[r.reason] ?? `Refused: ${r.reason}.` };
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return { outcome: 'invalid', title: 'Invalid ticket', detail: 'This is not a ticket code.' };
    if (error instanceof ApiError && error.status === 403)
      return { outcome: 'error', title: 'Not allowed', detail: 'This account may not check tickets in: sign in with a door account.' };
    const why = error instanceof ApiError && error.code === 'network' ? 'No connection to the server.' : error instanceof Error ? error.message : String(error);
    return { outcome: 'error', title: 'Not checked', detail: `${why} Scan again; do not let the person in yet.` };
  }
}

let audio: AudioContext | null = null;

/** A short tone (high for admitted, low for refused) and a buzz on phones, so staff need not look. */
export function signal(outcome: Outcome, sound: boolean): void {
  if (outcome !== 'admitted') navigator.vibrate?.([120, 60, 120]);
  if (!sound) return;
  try {
    audio ??= new AudioContext();
    const tones = outcome === 'admitted' ? [880] : [240, 240];
    tones.forEach((frequency, i) => {
      const oscillator = audio!.createOscillator();
      const gain = audio!.createGain();
      oscillator.frequency.value = frequency;
      oscillator.type = outcome === 'admitted' ? 'sine' : 'square';
      gain.gain.value = 0.08;
      oscillator.connect(gain).connect(audio!.destination);
      const start = audio!.currentTime + i * 0.18;
      oscillator.start(start);
      oscillator.stop(start + 0.13);
    });
  } catch {
    /* no audio: the colours still tell */
  }
}
