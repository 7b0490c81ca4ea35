import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../shared/api.js';
import { LOCALE_NAMES, t, type Locale } from '../shared/i18n.js';
import { navigate } from '../shared/router.js';
import { BuyerForm, EmailText, type SubmitProblem } from './buyer-form.js';
import { createOrder, payOrder, updateBuyer } from './checkout-api.js';
import { PaymentFrame, type PaymentToken } from './payment-frame.js';
import { saveOrderToken, type BuyerDetails, type CheckoutState } from './storage.js';
import { describeError } from './ui.js';

/** How a checkout can end early: the hold ran out, was released, or was already paid. */
export type Ended = 'expired' | 'released' | 'converted' | null;

/**
 * Step 1: the buyer's details, sent under the hold's idempotency key. A retry after a lost answer
 * sends the same key and details, so it gets the same order back. Once the order exists the
 * details are shown back with an Edit button: a correction goes to the order itself
 * (`PATCH /api/orders/:id/buyer`) while it waits for payment, and the card form waits meanwhile.
 */
export function BuyerStep({
  holdId,
  state,
  update,
  onEnded,
  locale,
  editing,
  setEditing,
}: {
  holdId: string;
  state: CheckoutState;
  update: (next: CheckoutState) => void;
  onEnded: (ended: Ended) => void;
  locale: Locale;
  editing: boolean;
  setEditing: (editing: boolean) => void;
}) {
  const [saved, setSaved] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const refocusEdit = useRef(false);
  // A layout effect, so focus lands on Edit in the same frame the summary replaces the form: with
  // a plain effect it sat on <body> for a frame, where a keyboard or screen-reader user loses place.
  useLayoutEffect(() => {
    if (!editing && refocusEdit.current) {
      refocusEdit.current = false;
      editButton.current?.focus();
    }
  }, [editing]);

  const heading = (
    <h2 id="details-heading">
      <span class="step-number" aria-hidden="true">
        1
      </span>
      {t('checkout.details')}
    </h2>
  );
  const order = state.order;

  if (order && !editing) {
    return (
      <section class="card step step-done" aria-labelledby="details-heading" data-testid="buyer-summary">
        <div class="step-head">
          {heading}
          <button
            type="button"
            class="button button-secondary button-small"
            data-testid="buyer-edit"
            ref={editButton}
            aria-label={t('checkout.editDetails')}
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('checkout.edit')}
          </button>
        </div>
        <p class="buyer-facts">
          <span data-testid="summary-name">{state.buyer?.name}</span>
          <br />
          <span data-testid="summary-email">
            <EmailText email={state.buyer?.email ?? ''} />
          </span>
        </p>
        <p class="muted small">{t('checkout.emailIn', { language: LOCALE_NAMES[state.buyer?.locale as Locale] ?? state.buyer?.locale ?? '' })}</p>
        <p class="visually-hidden" role="status">
          {saved ? t('checkout.detailsSaved') : ''}
        </p>
      </section>
    );
  }

  const create = async (buyer: BuyerDetails): Promise<SubmitProblem> => {
    try {
      const created = await createOrder(holdId, state.idempotencyKey, buyer);
      saveOrderToken(created.orderId, created.accessToken);
      update({ ...state, buyer, order: { orderId: created.orderId, accessToken: created.accessToken, paymentUrl: created.payment.url } });
      return null;
    } catch (e) {
      if (!(e instanceof ApiError)) return { message: describeError(e) };
      if (e.code === 'hold_expired') {
        onEnded('expired');
        return null;
      }
      if (e.code === 'idempotency_key_reused' && state.buyer) {
        // The first attempt reached the server with other details; that order is the one to pay.
        return { message: t('error.detailsChanged'), reset: state.buyer };
      }
      if (e.status === 0 || e.status >= 500) update({ ...state, buyer }); // it may have arrived: retry the same
      return fieldProblem(e);
    }
  };

  const change = async (buyer: BuyerDetails): Promise<SubmitProblem> => {
    if (!order) return null;
    try {
      await updateBuyer(order.orderId, order.accessToken, buyer);
      // The same key with these details now finds the same order again.
      update({ ...state, buyer });
      setSaved(true);
      refocusEdit.current = true;
      setEditing(false);
      return null;
    } catch (e) {
      if (!(e instanceof ApiError)) return { message: describeError(e) };
      if (e.code === 'hold_expired') {
        onEnded('expired');
        return null;
      }
      if (e.code === 'order_not_editable') {
        // Paid meanwhile (another tab): the order is there to see; otherwise it ended some other way.
        onEnded((e.body.error as { status?: string } | undefined)?.status === 'paid' ? 'converted' : 'expired');
        return null;
      }
      return fieldProblem(e);
    }
  };

  return (
    <section class="card step" aria-labelledby="details-heading">
      {heading}
      <BuyerForm
        initial={state.buyer}
        locale={locale}
        submitLabel={order ? t('checkout.saveDetails') : t('checkout.continueToPayment')}
        onSubmit={order ? change : create}
        onCancel={
          order
            ? () => {
                refocusEdit.current = true;
                setEditing(false);
              }
            : undefined
        }
      />
    </section>
  );
}

/** A 400 naming a field points at that field; anything else is said as it is. */
function fieldProblem(e: ApiError): SubmitProblem {
  const field = String((e.body.error as { field?: string } | undefined)?.field ?? '');
  if (field.endsWith('email')) return { field: 'email' };
  if (field.endsWith('name')) return { field: 'name' };
  return { message: describeError(e) };
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
