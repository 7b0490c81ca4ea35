import { useEffect, useState } from 'preact/hooks';
import { onRetrying } from '../shared/api.js';
import { t } from '../shared/i18n.js';

/**
 * While a request waits out a "come back in a moment" refusal (see `api`), one calm line says the
 * page is trying again by itself, so the fan neither reloads nor gives up; it goes once the request
 * goes through. The live region is always in the page so screen readers announce the line.
 */
export function CalmNotice() {
  const [retrying, setRetrying] = useState(false);
  useEffect(() => {
    const stop = onRetrying(setRetrying);
    return () => {
      stop();
    };
  }, []);
  return (
    <div class="container" role="status" aria-live="polite">
      {retrying && (
        <p class="notice notice-info" data-testid="calm-notice">
          {t('calm.retrying')}
        </p>
      )}
    </div>
  );
}
