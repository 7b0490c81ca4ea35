import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.js';
import { navigate } from '../../shared/router.js';
import { secondFactor, signIn } from './account-api.js';
import { AuthPage, Field, FormError, SubmitButton, useSubmit } from './account-ui.js';
import { explainPasskey, passkeysSupported, signInWithPasskey } from './passkeys.js';

/**
 * `/account/sign-in`: the email and password, then (when the fan set up an authenticator app) a
 * code from it or one of their recovery codes; or, where the browser can, a passkey alone.
 * `?signedOut=1` says they just signed out.
 */
export function SignInPage() {
  const [step, setStep] = useState<'password' | 'second_factor'>('password');
  const [signedOut] = useState(() => new URLSearchParams(location.search).get('signedOut') === '1');
  const done = () => navigate('/account', true);
  return (
    <AuthPage title={step === 'password' ? t('account.signIn.title') : t('account.secondFactor.title')} testid="sign-in">
      {step === 'password' ? (
        <>
          {signedOut && (
            <p class="notice notice-success" role="status" data-testid="signed-out">
              {t('account.signedOut')}
            </p>
          )}
          <p class="muted">{t('account.optional')}</p>
          <PasswordStep onSecondFactor={() => setStep('second_factor')} onSignedIn={done} />
          {passkeysSupported() && <PasskeyStep onSignedIn={done} />}
          <p>
            <a href="/account/forgot" data-testid="forgot-link">
              {t('account.signIn.forgot')}
            </a>
          </p>
          <p>
            {t('account.signIn.noAccount')} <a href="/account/sign-up">{t('account.signIn.create')}</a>
          </p>
        </>
      ) : (
        <SecondFactorStep onSignedIn={done} onStartOver={() => setStep('password')} />
      )}
    </AuthPage>
  );
}

function PasswordStep({ onSecondFactor, onSignedIn }: { onSecondFactor: () => void; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const send = async (event: Event) => {
    event.preventDefault();
    if (!email.trim() || !password) return submit.setError(t('account.error.fillBoth'));
    let state = '';
    const ok = await submit.run(async () => {
      state = (await signIn(email.trim(), password)).state;
    });
    if (!ok) return;
    if (state === 'second_factor') onSecondFactor();
    else onSignedIn();
  };
  return (
    <form class="card auth-form" onSubmit={send} noValidate data-testid="sign-in-form">
      <FormError message={submit.error} />
      <Field id="sign-in-email" type="email" inputMode="email" autocomplete="email" label={t('form.email')} value={email} onInput={setEmail} />
      <Field
        id="sign-in-password"
        type="password"
        autocomplete="current-password"
        label={t('account.password')}
        maxLength={1024}
        value={password}
        onInput={setPassword}
      />
      <SubmitButton busy={submit.busy} label={t('account.signIn.submit')} busyLabel={t('hold.working')} testid="sign-in-submit" />
    </form>
  );
}

/** A passkey instead of the email and password (it is two factors in one gesture). */
function PasskeyStep({ onSignedIn }: { onSignedIn: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await signInWithPasskey();
    } catch (e) {
      setError(explainPasskey(e, 'sign_in'));
      return setBusy(false);
    }
    onSignedIn();
  };
  return (
    <div class="auth-passkey" data-testid="passkey-sign-in-box">
      <p class="auth-or" aria-hidden="true">
        <span>{t('account.passkeys.or')}</span>
      </p>
      <FormError message={error} testid="passkey-sign-in-error" />
      <button
        type="button"
        class="button button-secondary button-block"
        data-testid="passkey-sign-in"
        aria-describedby="passkey-sign-in-help"
        aria-busy={busy ? 'true' : undefined}
        disabled={busy}
        onClick={go}
      >
        {busy ? t('account.passkeys.signInWorking') : t('account.passkeys.signIn')}
      </button>
      <p class="muted small" id="passkey-sign-in-help">
        {t('account.passkeys.signInHelp')}
      </p>
    </div>
  );
}

function SecondFactorStep({ onSignedIn, onStartOver }: { onSignedIn: () => void; onStartOver: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const submit = useSubmit();
  const send = async (event: Event) => {
    event.preventDefault();
    const value = code.replace(/\s/g, '');
    if (!value) return submit.setError(t('account.error.codeMissing'));
    const ok = await submit.run(() => secondFactor(useRecovery ? { recoveryCode: value } : { totp: value }));
    if (ok) onSignedIn();
    else setCode('');
  };
  return (
    <>
      <p>{t('account.secondFactor.intro')}</p>
      <form class="card auth-form" onSubmit={send} noValidate data-testid="second-factor">
        <FormError message={submit.error} />
        {useRecovery ? (
          <Field
            id="recovery-code"
            autocomplete="one-time-code"
            label={t('account.secondFactor.recovery')}
            help={t('account.secondFactor.recoveryHelp')}
            maxLength={40}
            value={code}
            onInput={setCode}
          />
        ) : (
          <Field
            id="totp-code"
            autocomplete="one-time-code"
            inputMode="numeric"
            label={t('account.secondFactor.totp')}
            help={t('account.secondFactor.totpHelp')}
            maxLength={10}
            value={code}
            onInput={setCode}
          />
        )}
        <SubmitButton busy={submit.busy} label={t('account.secondFactor.submit')} busyLabel={t('hold.working')} testid="second-factor-submit" />
      </form>
      <p class="auth-links">
        <button
          type="button"
          class="link-button"
          data-testid="second-factor-switch"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
            submit.setError(null);
          }}
        >
          {useRecovery ? t('account.secondFactor.useTotp') : t('account.secondFactor.useRecovery')}
        </button>
        <button type="button" class="link-button" onClick={onStartOver}>
          {t('account.startOver')}
        </button>
      </p>
    </>
  );
}
