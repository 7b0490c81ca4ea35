import { useEffect, useRef } from 'preact/hooks';
import { t } from '../shared/i18n.js';

export interface PaymentToken {
  token: string;
  last4?: string;
  brand?: string;
}

/**
 * The payment provider's card form, in a frame from the provider's own origin: card numbers are
 * typed there and never reach this page. The form posts back a one-time token; only a message from
 * that frame, from the provider's exact origin and of the expected type, is accepted.
 */
export function PaymentFrame({ url, lang, onToken }: { url: string; lang: string; onToken: (token: PaymentToken) => void }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const latest = useRef(onToken);
  latest.current = onToken;
  const origin = new URL(url).origin;

  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin) return;
      if (frame.current && event.source !== frame.current.contentWindow) return;
      const data = event.data as Partial<PaymentToken> & { type?: unknown };
      if (data?.type !== 'taquilla-payment-token' || typeof data.token !== 'string' || !data.token) return;
      latest.current({
        token: data.token,
        last4: typeof data.last4 === 'string' ? data.last4 : undefined,
        brand: typeof data.brand === 'string' ? data.brand : undefined,
      });
    };
    addEventListener('message', onMessage);
    return () => removeEventListener('message', onMessage);
  }, [origin]);

  const src = `${url}${url.includes('?') ? '&' : '?'}lang=${encodeURIComponent(lang)}`;
  return (
    <iframe
      ref={frame}
      class="payment-frame"
      src={src}
      title={t('pay.frameTitle')}
      data-testid="payment-frame"
      sandbox="allow-scripts allow-forms allow-same-origin"
      referrerpolicy="no-referrer"
    />
  );
}
