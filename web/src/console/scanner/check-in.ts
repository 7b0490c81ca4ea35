import { type MessageKey, t } from '../i18n';
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

const reasons: Record<string, MessageKey> = {
  bad_signature: 'scanner.bad_signature',
  unknown_ticket: 'scanner.unknown_ticket',
  void: 'scanner.void',
  wrong_performance: 'scanner.wrong_performance',
};

/**
 * Asks the server to admit a ticket, with the console's credential (check-in needs a door
 * credential: `checkin.scan`). `api()` returns the refusal bodies (they carry `result`), so only a
 * malformed request, a refused credential or a network failure throws.
 */
export async function checkIn(code: string, performanceId?: string): Promise<Pick<Scan, 'outcome' | 'title' | 'detail'>> {
  try {
    const r = await adminApi<CheckInResponse>('/api/checkin', { method: 'POST', body: performanceId ? { code, performanceId } : { code } });
    if (r.result === 'admitted') return { outcome: 'admitted', title: t('scanner.admitted'), detail: `${r.ticket.label} · ${r.ticket.categoryName}` };
    if (r.result === 'already_used') {
      return {
        outcome: 'already_used',
        title: t('scanner.alreadyUsed'),
        detail: t('scanner.firstScanned', { time: formatTime(r.firstScanAt), ago: formatAgo(r.firstScanAt) }),
      };
    }
    return {
      outcome: 'invalid',
      title: t('scanner.invalidTicket'),
      detail: r.reason in reasons ? t(reasons[r.reason]!) : t('scanner.refused', { reason: r.reason }),
    };
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return { outcome: 'invalid', title: t('scanner.invalidTicket'), detail: t('scanner.notACode') };
    if (error instanceof ApiError && error.status === 403) return { outcome: 'error', title: t('scanner.notAllowed'), detail: t('scanner.notDoor') };
    const why = error instanceof ApiError && error.code === 'network' ? t('scanner.offline') : error instanceof Error ? error.message : String(error);
    return { outcome: 'error', title: t('scanner.notChecked'), detail: t('scanner.scanAgain', { why }) };
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
