import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import { getLocale, LOCALE_NAMES, LOCALES, t, type Locale } from '../shared/i18n.js';
import { navigate } from '../shared/router.js';
import { createOrder, payOrder } from './checkout-api.js';
import { PaymentFrame, type PaymentToken } from './payment-frame.js';
import { saveOrderToken, type BuyerDetails, type CheckoutState } from './storage.js';
import { describeError, ErrorMessage } from './ui.js';

/** How a checkout can end early: the hold ran out, was released, or was already paid. */
export type Ended = 'expired' | 'released' | 'converted' | null;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Step 1: the buyer's details, sent under the hold's idempotency key. A retry after a lost answer
 * sends the same key and details, so it gets the same order back.
 */
export function BuyerStep({
  holdId,
  state,
  update,
  onEnded,
  locale,
}: {
  holdId: string;
  state: CheckoutState;
  update: (next: CheckoutState) => void;
  onEnded: (ended: Ended) => void;
  locale: Locale;
}) {
  const [name, setName] = useState(state.buyer?.name ?? '');
  const [email, setEmail] = useState(state.buyer?.email ?? '');
  const [language, setLanguage] = useState<string>(state.buyer?.locale ?? getLocale());
  const [touchedLanguage, setTouchedLanguage] = useState(Boolean(state.buyer));
  const [errors, setErrors] = useState<{ name?: string; email?: string }>({});
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  // Until the buyer picks an email language, it follows the page's.
  useEffect(() => {
    if (!touchedLanguage) setLanguage(locale);
  }, [locale]);

  if (state.order) {
    return (
      <section class="card step step-done" aria-labelledby="details-heading" data-testid="buyer-summary">
        <h2 id="details-heading">
          <span class="step-number" aria-hidden="true">
            1
          </span>
          {t('checkout.details')}
        </h2>
        <p>
          {state.buyer?.name} · {state.buyer?.email}
        </p>
        <p class="muted small">{t('checkout.emailIn', { language: LOCALE_NAMES[state.buyer?.locale as Locale] ?? state.buyer?.locale ?? '' })}</p>
      </section>
    );
  }

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    const buyer: BuyerDetails = { name: name.trim(), email: email.trim(), locale: language };
    const found: typeof errors = {};
    if (!buyer.name) found.name = t('form.nameRequired');
    if (!EMAIL.test(buyer.email)) found.email = t('form.emailInvalid');
    setErrors(found);
    if (found.name) return nameRef.current?.focus();
    if (found.email) return emailRef.current?.focus();

    setSending(true);
    try {
      const order = await createOrder(holdId, state.idempotencyKey, buyer);
      saveOrderToken(order.orderId, order.accessToken);
      update({ ...state, buyer, order: { orderId: order.orderId, accessToken: order.accessToken, paymentUrl: order.payment.url } });
    } catch (e) {
      setSending(false);
      if (!(e instanceof ApiError)) return setFailure(describeError(e));
      if (e.code === 'hold_expired') return onEnded('expired');
      if (e.code === 'idempotency_key_reused' && state.buyer) {
        // The first attempt reached the server with other details; that order is the one to pay.
        setName(state.buyer.name);
        setEmail(state.buyer.email);
        setLanguage(state.buyer.locale);
        return setFailure(t('error.detailsChanged'));
      }
      if (e.status === 0 || e.status >= 500) update({ ...state, buyer }); // it may have arrived: retry the same
      const field = String((e.body.error as { field?: string } | undefined)?.field ?? '');
      if (field.endsWith('email')) {
        setErrors({ email: t('form.emailInvalid') });
        return emailRef.current?.focus();
      }
      if (field.endsWith('name')) {
        setErrors({ name: t('form.nameRequired') });
        return nameRef.current?.focus();
      }
      setFailure(describeError(e));
    }
  };

  return (
    <section class="card step" aria-labelledby="details-heading">
      <h2 id="details-heading">
        <span class="step-number" aria-hidden="true">
          1
        </span>
        {t('checkout.details')}
      </h2>
      <form onSubmit={submit} noValidate data-testid="buyer-form">
        <div class="field">
          <label for="buyer-name">{t('form.name')}</label>
          <input
            id="buyer-name"
            name="name"
            autocomplete="name"
            required
            maxLength={200}
            ref={nameRef}
            data-testid="buyer-name"
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            aria-invalid={errors.name ? 'true' : undefined}
            aria-describedby={errors.name ? 'buyer-name-error' : undefined}
          />
          {errors.name && (
            <p class="field-error" id="buyer-name-error">
              {errors.name}
            </p>
          )}
        </div>
        <div class="field">
          <label for="buyer-email">{t('form.email')}</label>
          <input
            id="buyer-email"
            name="email"
            type="email"
            autocomplete="email"
            inputMode="email"
            required
            maxLength={254}
            ref={emailRef}
            data-testid="buyer-email"
            value={email}
            onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
            aria-invalid={errors.email ? 'true' : undefined}
            aria-describedby={errors.email ? 'buyer-email-error email-help' : 'email-help'}
          />
          <p class="field-help" id="email-help">
            {t('form.emailHelp')}
          </p>
          {errors.email && (
            <p class="field-error" id="buyer-email-error">
              {errors.email}
            </p>
          )}
        </div>
        <div class="field">
          <label for="buyer-locale">{t('form.language')}</label>
          <select
            id="buyer-locale"
            name="locale"
            data-testid="buyer-locale"
            value={language}
            onChange={(e) => {
              setTouchedLanguage(true);
              setLanguage((e.currentTarget as HTMLSelectElement).value);
            }}
          >
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
        </div>
        {failure && <ErrorMessage>{failure}</ErrorMessage>}
        <button type="submit" class="button button-primary button-block" data-testid="buyer-submit" disabled={sending} aria-busy={sending ? 'true' : undefined}>
          {sending ? t('hold.working') : t('checkout.continueToPayment')}
        </button>
      </form>
    </section>
  );
}

/** Step 2: the provider's card form; its one-time token confirms the payment. */
export function PaymentStep({ order, locale, onEnded }: { order: NonNullable<CheckoutState['order']>; locale: Locale; onEnded: (ended: Ended) => void }) {
  const [frameKey, setFrameKey] = useState(0);
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryToken, setRetryToken] = useState<string | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);
  useEffect(() => {
    if (error) errorRef.current?.focus();
  }, [error]);

  const inFlight = useRef(false);
  const pay = async ({ token }: PaymentToken) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setPaying(true);
    setError(null);
    setRetryToken(null);
    try {
      await payOrder(order.orderId, token, order.accessToken);
      navigate(`/orders/${order.orderId}?paid=1#access=${encodeURIComponent(order.accessToken)}`, true);
    } catch (e) {
      inFlight.current = false;
      setPaying(false);
      const code = e instanceof ApiError ? e.code : '';
      if (code === 'hold_expired' || code === 'order_not_payable') return onEnded('expired');
      if (e instanceof ApiError && (e.status === 0 || e.status >= 500)) {
        // The charge may or may not have happened; sending the same token again is safe.
        setRetryToken(token);
        return setError(t('pay.unknown'));
      }
      setError(describeError(e));
      // A fresh card form for the next attempt (the old token is spent or was refused).
      setFrameKey((k) => k + 1);
    }
  };

  return (
    <section class="card step" aria-labelledby="pay-heading" aria-busy={paying ? 'true' : undefined}>
      <h2 id="pay-heading" tabIndex={-1} ref={heading}>
        <span class="step-number" aria-hidden="true">
          2
        </span>
        {t('pay.heading')}
      </h2>
      <p class="muted small">{t('pay.secure')}</p>
      {error && (
        <div class="notice notice-error" role="alert" data-testid="error" tabIndex={-1} ref={errorRef}>
          <p>{error}</p>
          {retryToken && (
            <button type="button" class="button" onClick={() => pay({ token: retryToken })}>
              {t('common.retry')}
            </button>
          )}
        </div>
      )}
      {paying && (
        <p class="notice notice-info" role="status" data-testid="paying">
          {t('pay.confirming')}
        </p>
      )}
      <PaymentFrame key={frameKey} url={order.paymentUrl} lang={locale} onToken={pay} />
    </section>
  );
}
