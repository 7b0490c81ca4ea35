import { useState } from 'preact/hooks';
import { passkeyAssertion, passkeyCancelled, passkeysSupported } from '../passkeys';
import { refreshSession, signOut } from '../session';
import { authPost } from './auth-api';
import { AuthCard, AuthError } from './auth-card';
import { t } from '../i18n';
import { explain } from './text';

type Method = 'totp' | 'recovery_code' | 'passkey';
type Step = { state: 'second_factor'; methods: Method[] } | { state: 'enrol' } | { state: 'signed_in' };

/**
 * Signing in: a passkey alone (it is two factors in one gesture), or the email and password and
 * then a second factor (the authenticator app's code, or a recovery code). `partial` is a session
 * whose password was accepted before a reload: it goes straight to the second step.
 */
export function SignInPage(props: { reason: string | null; partial: boolean }) {
  const [methods, setMethods] = useState<Method[] | null>(props.partial ? ['totp', 'recovery_code'] : null);
  const [busy, setBusy] = useState<'passkey' | 'password' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const withPasskey = async () => {
    setBusy('passkey');
    setError(null);
    try {
      const response = await passkeyAssertion('/api/auth/staff/passkey/options', (path) => authPost(path));
      await authPost('/api/auth/staff/passkey', { response });
      await refreshSession();
    } catch (e) {
      setError(passkeyCancelled(e) ? t('auth.passkeyCancelled') : explain(e));
    } finally {
      setBusy(null);
    }
  };

  const startOver = () => {
    setMethods(null);
    setError(null);
    void signOut(null);
  };
  if (methods) return <SecondFactor methods={methods} onPasskey={withPasskey} passkeyBusy={busy === 'passkey'} passkeyError={error} onStartOver={startOver} />;

  return (
    <AuthCard title={t('auth.signInTitle')} testid="sign-in">
      {props.reason && (
        <div class="notice notice-warning" role="status" data-testid="sign-in-reason">
          <div class="notice-body">{props.reason}</div>
        </div>
      )}
      <AuthError message={error} />
      {passkeysSupported() && (
        <>
          <button type="button" class="btn btn-primary btn-block" data-testid="passkey-sign-in" disabled={busy !== null} onClick={withPasskey}>
            {busy === 'passkey' ? t('auth.passkeyWorking') : t('auth.passkeyButton')}
          </button>
          <p class="auth-or">
            <span>{t('auth.or')}</span>
          </p>
        </>
      )}
      <PasswordForm
        busy={busy === 'password'}
        disabled={busy !== null}
        onStart={() => {
          setBusy('password');
          setError(null);
        }}
        onDone={async (step, failure) => {
          setBusy(null);
          if (failure) return setError(failure);
          if (step?.state === 'second_factor') setMethods(step.methods);
          else await refreshSession();
        }}
      />
    </AuthCard>
  );
}

function PasswordForm(props: { busy: boolean; disabled: boolean; onStart: () => void; onDone: (step: Step | null, failure: string | null) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    props.onStart();
    try {
      props.onDone(await authPost<Step>('/api/auth/staff/password', { email: email.trim(), password }), null);
    } catch (e) {
      props.onDone(null, explain(e));
    }
  };
  return (
    <form onSubmit={submit} data-testid="password-form">
      <div class="field">
        <label for="sign-in-email">{t('auth.email')}</label>
        <input
          id="sign-in-email"
          type="email"
          autocomplete="username webauthn"
          required
          data-testid="sign-in-email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="sign-in-password">{t('auth.password')}</label>
        <input
          id="sign-in-password"
          type="password"
          autocomplete="current-password"
          required
          data-testid="sign-in-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      <button class="btn btn-secondary btn-block" type="submit" disabled={props.disabled} data-testid="sign-in-submit">
        {props.busy ? t('auth.checking') : t('auth.continue')}
      </button>
    </form>
  );
}

function SecondFactor(props: { methods: Method[]; onPasskey: () => void; passkeyBusy: boolean; passkeyError: string | null; onStartOver: () => void }) {
  const [kind, setKind] = useState<'totp' | 'recovery_code'>(props.methods.includes('totp') ? 'totp' : 'recovery_code');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const value = code.trim();
      await authPost('/api/auth/staff/second-factor', kind === 'totp' ? { totp: value.replace(/\s/g, '') } : { recoveryCode: value });
      await refreshSession();
    } catch (e) {
      setError(explain(e));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  const totp = kind === 'totp';
  return (
    <AuthCard title={t('auth.secondFactorTitle')} testid="second-factor">
      <p class="muted">{t('auth.secondFactorIntro')}</p>
      <AuthError message={error ?? props.passkeyError} />
      <form onSubmit={submit}>
        <div class="field">
          <label for="second-factor-code">{totp ? t('auth.totpLabel') : t('auth.recoveryLabel')}</label>
          <input
            id="second-factor-code"
            key={kind}
            class="mono"
            inputMode={totp ? 'numeric' : 'text'}
            autocomplete="one-time-code"
            spellcheck={false}
            required
            autofocus
            maxLength={totp ? 8 : 20}
            pattern={totp ? '[0-9 ]{6,8}' : undefined}
            data-testid={totp ? 'totp-input' : 'recovery-input'}
            aria-describedby="second-factor-hint"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <p class="hint" id="second-factor-hint">
            {totp ? t('auth.totpHint') : t('auth.recoveryHint')}
          </p>
        </div>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy} data-testid="second-factor-submit">
          {busy ? t('auth.checking') : t('auth.verify')}
        </button>
      </form>
      <div class="auth-links">
        {props.methods.includes('totp') && (
          <button
            type="button"
            class="link-button"
            data-testid="second-factor-switch"
            onClick={() => {
              setKind(totp ? 'recovery_code' : 'totp');
              setCode('');
              setError(null);
            }}
          >
            {totp ? t('auth.useRecovery') : t('auth.useTotp')}
          </button>
        )}
        {props.methods.includes('passkey') && passkeysSupported() && (
          <button type="button" class="link-button" disabled={props.passkeyBusy} onClick={props.onPasskey}>
            {props.passkeyBusy ? t('auth.passkeyWorking') : t('auth.usePasskey')}
          </button>
        )}
        <button type="button" class="link-button" data-testid="sign-in-start-over" onClick={props.onStartOver}>
          {t('auth.startOver')}
        </button>
      </div>
    </AuthCard>
  );
}
