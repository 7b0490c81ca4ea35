import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.js';
import { t } from '../../shared/i18n.js';
import { verifyEmail } from './account-api.js';
import { AuthPage, Field, FormError, SubmitButton, takeToken, useSubmit } from './account-ui.js';

/**
 * `/account/verify#token=…`: the link from the sign-up email. The server confirms the address
 * only with the password chosen at sign-up (so nobody can get another person's address confirmed
 * by them clicking a link), then signs the fan in.
 */
export function VerifyPage() {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState<string | null>(null);
  const [linkDead, setLinkDead] = useState(false);
  const submit = useSubmit({ wrongPassword: true });

  if (!token) return <NoToken title={t('account.verify.title')} />;
  if (email) {
    return (
      <AuthPage title={t('account.verify.doneTitle')} testid="verified">
        <p class="notice notice-success" role="status">
          {t('account.verify.done', { email })}
        </p>
        <p>
          <a class="button button-primary" href="/account" data-testid="to-account">
            {t('account.verify.toAccount')}
          </a>
        </p>
      </AuthPage>
    );
  }

  const send = async (event: Event) => {
    event.preventDefault();
    if (!password) return submit.setError(t('account.error.passwordMissing'));
    await submit.run(async () => {
      try {
        setEmail((await verifyEmail(token, password)).email);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'link_invalid') setLinkDead(true);
        throw e;
      }
    });
  };

  return (
    <AuthPage title={t('account.verify.title')} testid="verify">
      <p>{t('account.verify.intro')}</p>
      <form class="card auth-form" onSubmit={send} noValidate data-testid="verify-form">
        <FormError message={submit.error} />
        {linkDead && (
          <p>
            <a href="/account/sign-in">{t('account.verify.newLink')}</a>
          </p>
        )}
        <Field
          id="verify-password"
          type="password"
          autocomplete="current-password"
          label={t('account.password')}
          maxLength={1024}
          value={password}
          onInput={setPassword}
        />
        <SubmitButton busy={submit.busy} label={t('account.verify.submit')} busyLabel={t('hold.working')} testid="verify-submit" />
      </form>
    </AuthPage>
  );
}

/** A page opened without the token from its emailed link. */
export function NoToken({ title }: { title: string }) {
  return (
    <AuthPage title={title} testid="no-token">
      <p class="notice notice-error" role="alert">
        {t('account.noToken')}
      </p>
      <p>
        <a href="/account/sign-in">{t('account.signIn.title')}</a>
      </p>
    </AuthPage>
  );
}
