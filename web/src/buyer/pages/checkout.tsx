import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { formatDate, formatMoney, t, useLocale } from '../../shared/i18n.js';
import { navigate } from '../../shared/router.js';
import { getPerformance, recentHold } from '../catalog.js';
import { fetchHold, releaseHold } from '../checkout-api.js';
import { BuyerStep, PaymentStep, type Ended } from '../checkout-steps.js';
import { Countdown } from '../countdown.js';
import { ReleaseButton } from '../release-confirm.js';
import { checkoutState, saveCheckoutState, type CheckoutState } from '../storage.js';
import type { Hold } from '../types.js';
import { ErrorMessage, isNotFound, LoadError, Loading, PageTitle, useAsync } from '../ui.js';
import { NotFound } from './not-found.js';

/** `/checkout/:holdId`: what is held and for how long, the buyer's details, then the card form. */
export function CheckoutPage({ holdId }: { holdId: string }) {
  const locale = useLocale();
  const [loaded, retry] = useAsync((signal) => fetchHold(holdId, signal), [holdId]);
  const hold: Hold | undefined = loaded.state === 'ok' ? loaded.value : recentHold(holdId);
  const [context] = useAsync(async () => (hold ? getPerformance(hold.performanceId) : null), [hold?.performanceId, locale]);
  const [state, setState] = useState<CheckoutState>(() => checkoutState(holdId));
  const [ended, setEnded] = useState<Ended>(null);
  const [releasing, setReleasing] = useState(false);
  const [releaseError, setReleaseError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    if (hold && hold.status !== 'active') setEnded(hold.status);
  }, [hold?.status]);

  const update = (next: CheckoutState) => {
    saveCheckoutState(holdId, next);
    setState(next);
  };

  if (!hold) {
    if (loaded.state === 'error') {
      // 401: the hold was made in another tab or on another device, which alone has its token.
      const elsewhere = loaded.error instanceof ApiError && loaded.error.status === 401;
      return isNotFound(loaded.error) || elsewhere ? <NotFound /> : <LoadError error={loaded.error} retry={retry} />;
    }
    return <Loading />;
  }

  const ctx = context.state === 'ok' ? context.value : null;
  const items = [...hold.items].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
  const total = hold.items.reduce((sum, item) => sum + item.price, 0);
  const currency = hold.items[0]?.currency ?? 'USD';
  const backToPerformance = `/performances/${hold.performanceId}`;

  const release = async () => {
    setReleasing(true);
    setReleaseError(null);
    try {
      await releaseHold(hold);
      navigate(backToPerformance);
    } catch (e) {
      setReleasing(false);
      if (e instanceof ApiError && e.code === 'hold_converted') setEnded('converted');
      else setReleaseError(e);
    }
  };

  return (
    <div class="checkout">
      <nav class="breadcrumb" aria-label={t('nav.breadcrumb')}>
        <a href={backToPerformance}>{ctx?.event.title ?? t('checkout.back')}</a>
      </nav>
      <PageTitle title={t('checkout.title')}>{t('checkout.title')}</PageTitle>
      <div class="checkout-layout">
        <aside class="card summary" aria-labelledby="summary-heading" data-testid="hold-summary">
          <h2 id="summary-heading">{t('checkout.summary')}</h2>
          {ctx && (
            <p class="summary-event">
              <strong>{ctx.event.title}</strong>
              <br />
              <time dateTime={ctx.startsAt}>{formatDate(ctx.startsAt, 'long', ctx.venue.timeZone)}</time>
              <br />
              {ctx.venue.name}
            </p>
          )}
          <ul class="items" role="list">
            {items.map((item, i) => (
              <li key={i} data-testid="hold-item">
                <span>{item.label}</span>
                <span>{formatMoney(item.price, item.currency)}</span>
              </li>
            ))}
          </ul>
          <p class="items-total">
            <span>{t('checkout.total')}</span> <strong data-testid="total">{formatMoney(total, currency)}</strong>
          </p>
          {!ended && <Countdown expiresAt={hold.expiresAt} onExpire={() => setEnded('expired')} />}
          {!ended && <ReleaseButton working={releasing} onRelease={release} />}
          {releaseError !== null && <ErrorMessage error={releaseError} />}
        </aside>

        <div class="steps">
          {ended ? (
            <EndedNotice ended={ended} performanceUrl={backToPerformance} state={state} />
          ) : (
            <>
              <BuyerStep holdId={holdId} state={state} update={update} onEnded={setEnded} locale={locale} editing={editing} setEditing={setEditing} />
              {/* Hidden, not removed, while the details are edited: the card form keeps its place and focus stays with the details. */}
              {state.order && (
                <div hidden={editing}>
                  <PaymentStep order={state.order} locale={locale} onEnded={setEnded} />
                </div>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function EndedNotice({ ended, performanceUrl, state }: { ended: Exclude<Ended, null>; performanceUrl: string; state: CheckoutState }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  if (ended === 'converted') {
    return (
      <div class="notice notice-info" role="status" data-testid="hold-ended" data-reason="converted" tabIndex={-1} ref={ref}>
        <p>{t('checkout.converted')}</p>
        {state.order && (
          <p>
            <a class="button" href={`/orders/${state.order.orderId}`}>
              {t('checkout.seeOrder')}
            </a>
          </p>
        )}
      </div>
    );
  }
  return (
    <div class="notice notice-error" role="alert" data-testid="hold-ended" data-reason={ended} tabIndex={-1} ref={ref}>
      <p>{ended === 'released' ? t('checkout.released') : t('checkout.expired')}</p>
      <p>
        <a class="button button-primary" href={performanceUrl} data-testid="back-to-performance">
          {t('checkout.chooseAgain')}
        </a>
      </p>
    </div>
  );
}
