import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { t } from '../../shared/i18n.js';
import { requestReset, resetPassword } from './account-api.js';
import { AuthPage, Field, FormError, SubmitButton, takeToken, useSubmit } from './account-ui.js';
import { signedInHint } from './signed-in-hint.js';
import { NoToken } from './verify-page.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `/account/forgot`: asks for a reset link. The answer is the same whether the email has an account. */
export function ForgotPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const submit = useSubmit();
  if (sentTo) {
    return (
      <AuthPage title={t('account.forgot.title')} testid="forgot-sent">
        <p class="notice notice-success" role="status">
          {t('account.forgot.sent', { email: sentTo })}
        </p>
        <p>
          <a href="/account/sign-in">{t('account.signIn.title')}</a>
        </p>
      </AuthPage>
    );
  }
  const send = async (event: Event) => {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) return submit.setError(t('form.emailInvalid'));
    if (await submit.run(async () => void (await requestReset(address)))) setSentTo(address);
  };
  return (
    <AuthPage title={t('account.forgot.title')} testid="forgot">
      <p>{t('account.forgot.intro')}</p>
      <form class="card auth-form" onSubmit={send} noValidate data-testid="forgot-form">
        <FormError message={submit.error} />
        <Field id="forgot-email" type="email" inputMode="email" autocomplete="email" label={t('form.email')} value={email} onInput={setEmail} />
        <SubmitButton busy={submit.busy} label={t('account.forgot.submit')} busyLabel={t('hold.working')} testid="forgot-submit" />
      </form>
    </AuthPage>
  );
}

/**
 * `/account/reset#token=…`: a new password from the emailed link (also the link of an operator's
 * forced reset). The server ends every session of the account, so the fan signs in again after.
 */
export function ResetPage() {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const [linkDead, setLinkDead] = useState(false);
  const submit = useSubmit({ minLength: 15 });

  if (!token) return <NoToken title={t('account.reset.title')} />;
  if (done) {
    return (
      <AuthPage title={t('account.reset.title')} testid="reset-done">
        <p class="notice notice-success" role="status">
          {t('account.reset.done')}
        </p>
        <p>
          <a class="button button-primary" href="/account/sign-in" data-testid="to-sign-in">
            {t('account.signIn.title')}
          </a>
        </p>
      </AuthPage>
    );
  }

  const send = async (event: Event) => {
    event.preventDefault();
    if (!password) return submit.setError(t('account.error.passwordMissing'));
    if (password !== repeat) return submit.setError(t('account.reset.mismatch'));
    const ok = await submit.run(async () => {
      try {
        await resetPassword(token, password);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'link_invalid') setLinkDead(true);
        throw e;
      }
    });
    if (!ok) return;
    signedInHint.set(false);
    setDone(true);
  };

  return (
    <AuthPage title={t('account.reset.title')} testid="reset">
      <form class="card auth-form" onSubmit={send} noValidate data-testid="reset-form">
        <FormError message={submit.error} />
        {linkDead && (
          <p>
            <a href="/account/forgot">{t('account.reset.newLink')}</a>
          </p>
        )}
        <Field
          id="reset-password"
          type="password"
          autocomplete="new-password"
          label={t('account.reset.new')}
          help={t('account.reset.help')}
          maxLength={1024}
          value={password}
          onInput={setPassword}
        />
        <Field
          id="reset-repeat"
          type="password"
          autocomplete="new-password"
          label={t('account.reset.repeat')}
          maxLength={1024}
          value={repeat}
          onInput={setRepeat}
        />
        <SubmitButton busy={submit.busy} label={t('account.reset.submit')} busyLabel={t('hold.working')} testid="reset-submit" />
      </form>
    </AuthPage>
  );
}
