import { useEffect, useState } from 'preact/hooks';
import { api } from '../../shared/api';
import { lazy } from '../lazy';
import { passkeyCancelled, passkeyRegistration, passkeysSupported } from '../passkeys';
import { AuthError } from './auth-card';
import { t } from '../i18n';
import { explain } from './text';

/**
 * Enrolling a second factor: a passkey, or an authenticator app (TOTP). Used right after an
 * invitation is accepted (the session is in the `enrol` state until one is confirmed) and from
 * "My account" to add another. The first factor enrolled answers the recovery codes, shown once.
 */
const QrCode = lazy(() => import('../../shared/qr').then((m) => m.QrCode));

type Enrolled = { state: 'signed_in'; recoveryCodes?: string[] };

export function PasskeyEnrol(props: { onDone: (codes: string[] | undefined) => void }) {
  const [name, setName] = useState(t('auth.passkeyNameDefault'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!passkeysSupported()) return <p class="muted">{t('auth.noPasskeys')}</p>;
  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await passkeyRegistration();
      const done = await api<Enrolled>('/api/auth/staff/passkeys', { method: 'POST', body: { response, name: name.trim().slice(0, 60) } });
      props.onDone(done.recoveryCodes);
    } catch (e) {
      setError(passkeyCancelled(e) ? t('auth.passkeyCancelled') : explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={create} data-testid="passkey-enrol">
      <AuthError message={error} />
      <div class="field">
        <label for="passkey-name">{t('auth.passkeyName')}</label>
        <input id="passkey-name" maxLength={60} data-testid="passkey-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="passkey-create">
        {busy ? t('auth.passkeyWorking') : t('auth.createPasskey')}
      </button>
    </form>
  );
}

export function TotpEnrol(props: { onDone: (codes: string[] | undefined) => void }) {
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // A fresh secret each time; nothing is stored on the server until a code from it is confirmed.
    api<{ secret: string; uri: string }>('/api/auth/staff/totp/setup', { method: 'POST' }).then(setSetup, (e) => setError(explain(e)));
  }, []);
  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!setup) return;
    setBusy(true);
    setError(null);
    try {
      const done = await api<Enrolled>('/api/auth/staff/totp', { method: 'POST', body: { secret: setup.secret, code: code.replace(/\s/g, '') } });
      props.onDone(done.recoveryCodes);
    } catch (e) {
      setError(explain(e));
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={confirm} data-testid="totp-enrol">
      <AuthError message={error} />
      {setup && (
        <>
          <div class="totp-setup">
            <figure class="totp-qr">
              <QrCode value={setup.uri} label={t('auth.qrLabel')} size={184} />
              <figcaption class="small muted">{t('auth.scanQr')}</figcaption>
            </figure>
            <div class="field">
              <span class="label">{t('auth.secretLabel')}</span>
              <code class="totp-secret" data-testid="totp-secret" data-secret={setup.secret}>
                {setup.secret.match(/.{1,4}/g)?.join(' ')}
              </code>
            </div>
          </div>
          <div class="field">
            <label for="totp-confirm">{t('auth.totpConfirmLabel')}</label>
            <input
              id="totp-confirm"
              class="mono field-short"
              inputMode="numeric"
              autocomplete="one-time-code"
              required
              maxLength={8}
              data-testid="totp-confirm-input"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="totp-confirm">
            {busy ? t('auth.checking') : t('auth.confirm')}
          </button>
        </>
      )}
    </form>
  );
}

/** The recovery codes, shown this once; nothing moves on until the person says they saved them. */
export function RecoveryCodes(props: { codes: string[]; onSaved: () => void; continueLabel?: string }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.codes.join('\n'));
      setCopied(true);
    } catch {
      /* no clipboard permission: the codes are on screen to copy by hand */
    }
  };
  return (
    <div data-testid="recovery-codes">
      <p>{t('auth.recoveryIntro')}</p>
      <ol class="recovery-codes mono">
        {props.codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <p>
        <button type="button" class="btn btn-secondary btn-sm" onClick={copy}>
          {copied ? t('auth.copied') : t('auth.copy')}
        </button>
      </p>
      <label class="toggle">
        <input type="checkbox" checked={saved} data-testid="recovery-saved" onChange={(e) => setSaved(e.currentTarget.checked)} /> {t('auth.recoverySaved')}
      </label>
      <div class="form-actions">
        <button type="button" class="btn btn-primary" disabled={!saved} data-testid="recovery-continue" onClick={props.onSaved}>
          {props.continueLabel ?? t('auth.recoveryContinue')}
        </button>
      </div>
    </div>
  );
}
