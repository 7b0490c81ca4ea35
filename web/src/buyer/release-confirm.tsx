import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';

/**
 * "Release these tickets", asked twice: the first press opens a small inline question with
 * "Yes, release them" and "Keep them" (focus moves to it, Escape keeps them), so a stray tap
 * never gives seats away. Used on the checkout page and with the hold shown on the seat map.
 */
export function ReleaseButton({ working, onRelease, label }: { working: boolean; onRelease: () => void; label?: string }) {
  const [asking, setAsking] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (asking) question.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      opener.current?.focus();
    }
  }, [asking]);

  if (!asking) {
    return (
      <button type="button" class="button button-secondary" data-testid="release" ref={opener} onClick={() => setAsking(true)} disabled={working}>
        {working ? t('hold.working') : (label ?? t('checkout.release'))}
      </button>
    );
  }
  const keep = () => {
    returnFocus.current = true;
    setAsking(false);
  };
  return (
    <div
      class="release-confirm"
      role="group"
      aria-labelledby="release-question"
      data-testid="release-confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') keep();
      }}
    >
      <p id="release-question" tabIndex={-1} ref={question}>
        {t('checkout.releaseQuestion')}
      </p>
      <div class="release-actions">
        <button
          type="button"
          class="button button-danger"
          data-testid="release-yes"
          onClick={() => {
            setAsking(false);
            onRelease();
          }}
        >
          {t('checkout.releaseYes')}
        </button>
        <button type="button" class="button button-secondary" data-testid="release-no" onClick={keep}>
          {t('checkout.releaseNo')}
        </button>
      </div>
    </div>
  );
}
