import { useEffect, useRef, useState } from 'preact/hooks';
import { t, tp } from '../shared/i18n.js';
import { serverNow } from './clock.js';

const remaining = (expiresAt: string) => Math.max(0, Math.ceil((Date.parse(expiresAt) - serverNow()) / 1000));

/**
 * The time left on a hold, from the server's `expiresAt` (so a reload shows the truth). It is a
 * timer for assistive technology, which is not read out every second; at two minutes and at one
 * minute left a polite message says so.
 */
export function Countdown({ expiresAt, onExpire }: { expiresAt: string; onExpire: () => void }) {
  const [left, setLeft] = useState(() => remaining(expiresAt));
  const [warning, setWarning] = useState('');
  const expired = useRef(false);
  useEffect(() => {
    expired.current = false;
    const tick = () => {
      const seconds = remaining(expiresAt);
      setLeft(seconds);
      if (seconds === 120 || seconds === 60) setWarning(tp('checkout.minutesLeft', seconds / 60));
      if (seconds === 0 && !expired.current) {
        expired.current = true;
        onExpire();
      }
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  const minutes = Math.floor(left / 60);
  const seconds = String(left % 60).padStart(2, '0');
  return (
    <div class={`countdown${left <= 60 ? ' countdown-urgent' : ''}`}>
      <p>
        {t('checkout.heldFor')} <strong role="timer" data-testid="countdown" data-seconds={left}>{`${minutes}:${seconds}`}</strong>
      </p>
      <p class="visually-hidden" aria-live="polite">
        {warning}
      </p>
    </div>
  );
}
