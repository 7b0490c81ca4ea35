import { useEffect } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { t } from '../../shared/i18n.js';
import { navigate } from '../../shared/router.js';
import { LoadError, Loading, PageTitle, useAsync } from '../ui.js';
import { me as loadMe, signOut } from './account-api.js';
import { FormError, useSubmit } from './account-ui.js';
import { OrdersSection } from './orders-section.js';
import { PasskeysSection } from './passkeys-section.js';
import { SessionsSection } from './sessions-section.js';
import { signedInHint } from './signed-in-hint.js';
import { TotpSection } from './totp-section.js';

const signedOut = (error: unknown) => error instanceof ApiError && error.status === 401;

/**
 * `/account`: the fan's orders from any device (each opens its order page with the tickets),
 * claiming the guest orders made with their email, where they are signed in, the optional
 * passkeys and authenticator app, and signing out. Not signed in: to the sign-in page.
 */
export function AccountPage() {
  const [me, reload] = useAsync((signal) => loadMe(signal), []);
  const gone = me.state === 'error' && signedOut(me.error);
  useEffect(() => {
    if (!gone) return;
    signedInHint.set(false);
    navigate('/account/sign-in', true);
  }, [gone]);
  useEffect(() => {
    if (me.state === 'ok') signedInHint.set(true);
  }, [me.state]);

  if (me.state === 'loading' || gone) return <Loading />;
  if (me.state === 'error') return <LoadError error={me.error} retry={reload} />;
  const { value } = me;
  return (
    <div class="account" data-testid="account" data-email={value.email}>
      <div class="account-head">
        <div>
          <PageTitle title={t('account.title')}>{t('account.title')}</PageTitle>
          <p class="muted account-who" data-testid="account-who">
            {value.name ? `${value.name} · ` : ''}
            {value.email}
          </p>
        </div>
        <SignOutButton />
      </div>
      <OrdersSection email={value.email} />
      <PasskeysSection />
      <TotpSection me={value} onChanged={reload} />
      <SessionsSection />
    </div>
  );
}

function SignOutButton() {
  const submit = useSubmit();
  const out = async () => {
    if (await submit.run(signOut)) navigate('/account/sign-in?signedOut=1');
  };
  return (
    <div class="account-sign-out">
      <button type="button" class="button button-secondary" data-testid="sign-out" disabled={submit.busy} onClick={out}>
        {t('account.signOut')}
      </button>
      <FormError message={submit.error} testid="sign-out-error" />
    </div>
  );
}
