import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { formatDate, t } from '../../shared/i18n.js';
import { LoadError, Loading, useAsync } from '../ui.js';
import { type AccountPasskey, passkeys as loadPasskeys, removePasskey } from './account-api.js';
import { Field, FormError, SubmitButton } from './account-ui.js';
import { deviceName } from './device.js';
import { createPasskey, explainPasskey, passkeysSupported } from './passkeys.js';

/**
 * The optional passkeys: each signs the fan in alone (no email, password or app code). They are
 * listed with when they were added and last used, so one the fan does not recognise stands out;
 * removing one asks first. A browser without WebAuthn still lists them, and says why it cannot
 * add one.
 */
export function PasskeysSection() {
  const [list, reload] = useAsync((signal) => loadPasskeys(signal), []);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const supported = passkeysSupported();
  const changed = (message: string) => {
    setNotice(message);
    reload();
  };
  const count = list.state === 'ok' ? list.value.passkeys.length : undefined;
  return (
    <section class="account-section" aria-labelledby="passkeys-heading" data-testid="account-passkeys" data-count={count}>
      <h2 id="passkeys-heading">{t('account.passkeys.title')}</h2>
      <p>{t('account.passkeys.intro')}</p>
      {notice && (
        <p class="notice notice-success" role="status" data-testid="passkey-notice">
          {notice}
        </p>
      )}
      {list.state === 'loading' && <Loading />}
      {list.state === 'error' && <LoadError error={list.error} retry={reload} />}
      {list.state === 'ok' &&
        (list.value.passkeys.length ? (
          <ul class="account-passkeys" role="list">
            {list.value.passkeys.map((p) => (
              <PasskeyRow key={p.id} passkey={p} onRemoved={() => changed(t('account.passkeys.removed', { name: p.name }))} />
            ))}
          </ul>
        ) : (
          <p class="muted" data-testid="passkeys-none">
            {t('account.passkeys.none')}
          </p>
        ))}
      {!supported ? (
        <p class="notice notice-info" data-testid="passkeys-unsupported">
          {t('account.passkeys.unsupported')}
        </p>
      ) : adding ? (
        <AddPasskey
          onCancel={() => setAdding(false)}
          onDone={(passkey) => {
            setAdding(false);
            changed(t('account.passkeys.added', { name: passkey.name }));
          }}
        />
      ) : (
        <p class="account-passkey-add">
          <button
            type="button"
            class="button button-secondary"
            data-testid="passkey-add-open"
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            {t('account.passkeys.add')}
          </button>
        </p>
      )}
    </section>
  );
}

function AddPasskey({ onCancel, onDone }: { onCancel: () => void; onDone: (passkey: AccountPasskey) => void }) {
  const fallback = deviceName(navigator.userAgent);
  const [name, setName] = useState(fallback);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await createPasskey(name.trim().slice(0, 60) || fallback));
    } catch (e) {
      setError(explainPasskey(e, 'add'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card auth-form" onSubmit={send} noValidate data-testid="passkey-add">
      <FormError message={error} testid="passkey-add-error" />
      <Field
        id="passkey-name"
        autocomplete="off"
        label={t('account.passkeys.name')}
        help={t('account.passkeys.nameHelp')}
        required={false}
        maxLength={60}
        value={name}
        onInput={setName}
      />
      <SubmitButton busy={busy} label={t('account.passkeys.create')} busyLabel={t('account.passkeys.working')} testid="passkey-create" />
      <p>
        <button type="button" class="link-button" disabled={busy} onClick={onCancel}>
          {t('account.cancel')}
        </button>
      </p>
    </form>
  );
}

function PasskeyRow({ passkey, onRemoved }: { passkey: AccountPasskey; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    // The question takes the focus, so a screen reader says what "Yes" will do.
    if (confirming) question.current?.focus();
  }, [confirming]);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await removePasskey(passkey.id);
      onRemoved();
    } catch (e) {
      // Already gone (removed from another device): what the fan wanted.
      if (e instanceof ApiError && e.code === 'passkey_not_found') return onRemoved();
      setError(explainPasskey(e, 'remove'));
      setBusy(false);
    }
  };
  const used = passkey.lastUsedAt ? t('account.passkeys.lastUsed', { date: formatDate(passkey.lastUsedAt, 'short') }) : t('account.passkeys.neverUsed');
  return (
    <li class="card account-passkey" data-testid="passkey-row" data-passkey-id={passkey.id} data-name={passkey.name}>
      <div class="account-passkey-about">
        <p class="account-passkey-name">{passkey.name}</p>
        <p class="muted small" data-testid="passkey-dates">
          {t('account.passkeys.addedOn', { date: formatDate(passkey.createdAt, 'day') })} · {used}
        </p>
      </div>
      {confirming ? (
        <div class="account-passkey-confirm" data-testid="passkey-confirm">
          <FormError message={error} testid="passkey-remove-error" />
          <p tabIndex={-1} ref={question}>
            {t('account.passkeys.removeConfirm', { name: passkey.name })}
          </p>
          <div class="account-passkey-actions">
            <button
              type="button"
              class="button button-small button-danger"
              data-testid="passkey-remove-yes"
              disabled={busy}
              aria-busy={busy ? 'true' : undefined}
              onClick={remove}
            >
              {busy ? t('hold.working') : t('account.passkeys.removeYes')}
            </button>
            <button type="button" class="button button-small button-secondary" disabled={busy} onClick={() => setConfirming(false)}>
              {t('account.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" class="button button-small button-secondary" data-testid="passkey-remove" onClick={() => setConfirming(true)}>
          {t('account.passkeys.remove')}
          <span class="visually-hidden"> {passkey.name}</span>
        </button>
      )}
    </li>
  );
}
