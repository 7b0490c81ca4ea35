import { useState } from 'preact/hooks';
import { t, tp } from '../../shared/i18n.js';
import { QrCode } from '../../shared/qr.js';
import { type Me, totpConfirm, totpRemove, totpSetup } from './account-api.js';
import { Field, FormError, SubmitButton, useSubmit } from './account-ui.js';

type Stage = { kind: 'idle' } | { kind: 'setup'; secret: string; uri: string } | { kind: 'codes'; codes: string[] } | { kind: 'remove' };

/**
 * The optional second factor: an authenticator app. Setting it up shows the app's otpauth URI as a
 * QR code and as text (for a phone that cannot scan its own screen), asks for a code from the app,
 * then shows the ten recovery codes once. Turning it off takes the password and a code.
 */
export function TotpSection({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const submit = useSubmit();
  const start = async () => {
    let setup: { secret: string; uri: string } | undefined;
    if (await submit.run(async () => void (setup = await totpSetup()))) setStage({ kind: 'setup', ...setup! });
  };
  return (
    <section class="account-section" aria-labelledby="totp-heading" data-testid="account-totp" data-enabled={me.totp ? 'true' : 'false'}>
      <h2 id="totp-heading">{t('account.totp.title')}</h2>
      <FormError message={submit.error} testid="totp-error" />
      {stage.kind === 'setup' ? (
        <Enrol secret={stage.secret} uri={stage.uri} onCancel={() => setStage({ kind: 'idle' })} onDone={(codes) => setStage({ kind: 'codes', codes })} />
      ) : stage.kind === 'codes' ? (
        <RecoveryCodes
          codes={stage.codes}
          onDone={() => {
            setStage({ kind: 'idle' });
            onChanged();
          }}
        />
      ) : stage.kind === 'remove' ? (
        <Remove
          onCancel={() => setStage({ kind: 'idle' })}
          onDone={() => {
            setStage({ kind: 'idle' });
            onChanged();
          }}
        />
      ) : me.totp ? (
        <div class="card">
          <p data-testid="totp-on">
            {t('account.totp.on')} {tp('account.totp.codesLeft', me.recoveryCodesLeft)}
          </p>
          <button type="button" class="button button-secondary" data-testid="totp-remove-open" onClick={() => setStage({ kind: 'remove' })}>
            {t('account.totp.remove')}
          </button>
        </div>
      ) : (
        <div class="card">
          <p>{t('account.totp.off')}</p>
          <button type="button" class="button button-secondary" data-testid="totp-start" disabled={submit.busy} onClick={start}>
            {t('account.totp.setUp')}
          </button>
        </div>
      )}
    </section>
  );
}

function Enrol({ secret, uri, onCancel, onDone }: { secret: string; uri: string; onCancel: () => void; onDone: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const submit = useSubmit();
  const send = async (event: Event) => {
    event.preventDefault();
    const value = code.replace(/\s/g, '');
    if (!value) return submit.setError(t('account.error.codeMissing'));
    let codes: string[] = [];
    if (await submit.run(async () => void (codes = (await totpConfirm(secret, value)).recoveryCodes))) onDone(codes);
    else setCode('');
  };
  return (
    <form class="card auth-form totp-enrol" onSubmit={send} noValidate data-testid="totp-enrol">
      <p>{t('account.totp.scan')}</p>
      <div class="totp-qr">
        <QrCode value={uri} label={t('account.totp.qrLabel')} size={200} />
      </div>
      <p class="small">
        <span class="totp-label">{t('account.totp.uri')}</span>
        <code class="totp-text" data-testid="totp-uri">
          {uri}
        </code>
      </p>
      <p class="small">
        <span class="totp-label">{t('account.totp.key')}</span>
        <code class="totp-text" data-testid="totp-secret" data-secret={secret}>
          {secret.match(/.{1,4}/g)?.join(' ')}
        </code>
      </p>
      <FormError message={submit.error} testid="totp-confirm-error" />
      <Field
        id="totp-confirm"
        autocomplete="one-time-code"
        inputMode="numeric"
        label={t('account.totp.confirmLabel')}
        maxLength={10}
        value={code}
        onInput={setCode}
      />
      <SubmitButton busy={submit.busy} label={t('account.totp.confirm')} busyLabel={t('hold.working')} testid="totp-confirm-submit" />
      <p>
        <button type="button" class="link-button" onClick={onCancel}>
          {t('account.cancel')}
        </button>
      </p>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  return (
    <div class="card" data-testid="recovery-codes">
      <h3>{t('account.recovery.title')}</h3>
      <p>{t('account.recovery.intro')}</p>
      <ul class="recovery-codes" role="list">
        {codes.map((code) => (
          <li key={code}>
            <code data-testid="recovery-code">{code}</code>
          </li>
        ))}
      </ul>
      <p class="check">
        <input
          id="recovery-saved"
          type="checkbox"
          data-testid="recovery-saved"
          checked={saved}
          onChange={(e) => setSaved((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for="recovery-saved">{t('account.recovery.saved')}</label>
      </p>
      <button type="button" class="button button-primary" data-testid="recovery-done" disabled={!saved} onClick={onDone}>
        {t('account.recovery.done')}
      </button>
    </div>
  );
}

function Remove({ onCancel, onDone }: { onCancel: () => void; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const submit = useSubmit({ wrongPassword: true });
  const send = async (event: Event) => {
    event.preventDefault();
    const value = code.replace(/\s/g, '');
    if (!password) return submit.setError(t('account.error.passwordMissing'));
    if (!value) return submit.setError(t('account.error.codeMissing'));
    // Six digits are the app's code; anything else is a recovery code.
    const body = /^\d{6}$/.test(value) ? { password, totp: value } : { password, recoveryCode: value };
    if (await submit.run(() => totpRemove(body))) onDone();
  };
  return (
    <form class="card auth-form" onSubmit={send} noValidate data-testid="totp-remove">
      <p>{t('account.totp.removeIntro')}</p>
      <FormError message={submit.error} testid="totp-remove-error" />
      <Field
        id="totp-remove-password"
        type="password"
        autocomplete="current-password"
        label={t('account.password')}
        maxLength={1024}
        value={password}
        onInput={setPassword}
      />
      <Field id="totp-remove-code" autocomplete="one-time-code" label={t('account.totp.removeCode')} maxLength={40} value={code} onInput={setCode} />
      <SubmitButton busy={submit.busy} label={t('account.totp.removeSubmit')} busyLabel={t('hold.working')} testid="totp-remove-submit" />
      <p>
        <button type="button" class="link-button" onClick={onCancel}>
          {t('account.cancel')}
        </button>
      </p>
    </form>
  );
}
