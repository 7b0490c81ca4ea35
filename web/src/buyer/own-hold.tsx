import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import { formatMoney, t } from '../shared/i18n.js';
import { fetchHold, releaseHold } from './checkout-api.js';
import { serverNow } from './clock.js';
import { Countdown } from './countdown.js';
import { ReleaseButton } from './release-confirm.js';
import { forgetOwnHold, holdToken, ownHoldOf } from './storage.js';
import type { Hold } from './types.js';
import { ErrorMessage } from './ui.js';

/**
 * The hold this tab made for the performance, while it is live: a fan who goes back from checkout
 * sees their seats as theirs, with the time left, instead of as seats someone else has taken.
 * Only a hold whose token this tab keeps is asked for; one that ended is forgotten.
 */
export function useOwnHold(performanceId: string): [Hold | null, () => void] {
  const [hold, setHold] = useState<Hold | null>(null);
  useEffect(() => {
    setHold(null);
    const holdId = ownHoldOf(performanceId);
    if (!holdId || !holdToken(holdId)) return;
    const controller = new AbortController();
    fetchHold(holdId, controller.signal).then(
      (found) => {
        if (found.status === 'active' && Date.parse(found.expiresAt) > serverNow()) setHold(found);
        else forgetOwnHold(performanceId, holdId);
      },
      (error) => {
        if (error instanceof ApiError && (error.status === 404 || error.status === 401)) forgetOwnHold(performanceId, holdId);
      },
    );
    return () => controller.abort();
  }, [performanceId]);
  const clear = () => {
    if (hold) forgetOwnHold(hold.performanceId, hold.holdId);
    setHold(null);
  };
  return [hold, clear];
}

/** "Your tickets are held for 6:12": what is held, a way on to checkout, and a way to let it go. */
export function OwnHoldNotice({ hold, onEnded }: { hold: Hold; onEnded: () => void }) {
  const [releasing, setReleasing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const items = [...hold.items].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));

  const release = async () => {
    setReleasing(true);
    setError(null);
    try {
      await releaseHold(hold);
      onEnded();
    } catch (e) {
      setReleasing(false);
      if (e instanceof ApiError && e.code === 'hold_converted') onEnded();
      else setError(e);
    }
  };

  return (
    <section class="own-hold card" aria-labelledby="own-hold-heading" data-testid="own-hold" data-hold-id={hold.holdId}>
      <h2 id="own-hold-heading">{t('ownHold.heading')}</h2>
      <Countdown expiresAt={hold.expiresAt} onExpire={onEnded} />
      <ul class="own-hold-items" role="list">
        {items.map((item, i) => (
          <li key={i} data-testid="own-hold-item">
            <span>{item.label}</span> <span class="muted">{formatMoney(item.price, item.currency)}</span>
          </li>
        ))}
      </ul>
      <div class="own-hold-actions">
        <a class="button button-primary" href={`/checkout/${hold.holdId}`} data-testid="own-hold-continue">
          {t('ownHold.continue')}
        </a>
        <ReleaseButton working={releasing} onRelease={release} />
      </div>
      {error !== null && <ErrorMessage error={error} />}
    </section>
  );
}
