import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../shared/api';
import { passkeyAssertion, passkeyCancelled, passkeysSupported } from './passkeys';
import { sessionEnded, useSession } from './session';
import { endSudo, onSudoRequest } from './sudo-state';
import { t } from './i18n';
import { describeError } from './ui';

/**
 * "Confirm with your second factor": opened when an action answers 403 `sudo_required` (inviting,
 * changing a role, creating an API key, switching the shield, a large refund…). A passkey or a
 * code from the authenticator app (or a recovery code) gives five minutes of sensitive actions;
 * the action is then retried by itself.
 */
export function SudoDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();
  const factors = session.status === 'ready' ? session.staff.factors : undefined;
  const passkey = Boolean(factors?.passkeys) && passkeysSupported();
  const totp = factors?.totp ?? true;

  useEffect(
    () =>
      onSudoRequest((next) => {
        setOpen(next);
        if (next) {
          setError(null);
          setCode('');
          setKind(totp ? 'totp' : 'recovery');
          dialog.current?.showModal();
        } else dialog.current?.close();
      }),
    [totp],
  );

  const confirm = async (body: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/staff/sudo', { method: 'POST', body: await body() });
      endSudo(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') {
        endSudo(false);
        sessionEnded(t('sudo.sessionEnded'));
      } else setError(passkeyCancelled(e) ? t('sudo.passkeyClosed') : describeError(e).title);
    } finally {
      setBusy(false);
    }
  };
  const withCode = (event: Event) => {
    event.preventDefault();
    void confirm(async () => (kind === 'totp' ? { totp: code.replace(/\s/g, '') } : { recoveryCode: code.trim() }));
  };
  const withPasskey = () => void confirm(async () => ({ passkey: await passkeyAssertion('/api/auth/staff/sudo/options') }));

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} data-testid="sudo-dialog" onCancel={() => endSudo(false)}>
      {open && (
        <>
          <h2 id={titleId}>{t('sudo.title')}</h2>
          <div class="dialog-body">
            <p>{t('sudo.intro')}</p>
          </div>
          {error && (
            <div class="notice notice-error" role="alert" data-testid="sudo-error">
              <div class="notice-body">{error}</div>
            </div>
          )}
          {passkey && (
            <p>
              <button type="button" class="btn btn-primary btn-block" disabled={busy} data-testid="sudo-passkey" onClick={withPasskey}>
                {t('sudo.usePasskey')}
              </button>
            </p>
          )}
          <form onSubmit={withCode} class="sudo-code">
            <div class="field">
              <label for="sudo-code">{kind === 'totp' ? t('sudo.totpLabel') : t('sudo.recoveryLabel')}</label>
              <input
                id="sudo-code"
                key={kind}
                class="mono"
                inputMode={kind === 'totp' ? 'numeric' : 'text'}
                autocomplete="one-time-code"
                spellcheck={false}
                autofocus={!passkey}
                maxLength={20}
                data-testid="sudo-code"
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
              {totp && (
                <button type="button" class="link-button small" onClick={() => setKind(kind === 'totp' ? 'recovery' : 'totp')}>
                  {kind === 'totp' ? t('sudo.useRecovery') : t('sudo.useTotp')}
                </button>
              )}
            </div>
            <div class="dialog-actions">
              <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => endSudo(false)}>
                {t('ui.cancel')}
              </button>
              <button type="submit" class={`btn ${passkey ? 'btn-secondary' : 'btn-primary'}`} disabled={busy || !code.trim()} data-testid="sudo-submit">
                {busy ? t('sudo.checking') : t('sudo.confirm')}
              </button>
            </div>
          </form>
        </>
      )}
    </dialog>
  );
}
