import { useState } from 'preact/hooks';
import { getLocale, LOCALE_NAMES, LOCALES, t } from '../../shared/i18n.js';
import { signUp } from './account-api.js';
import { AuthPage, Field, FormError, SubmitButton, useSubmit } from './account-ui.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_LENGTH = 15;

/**
 * `/account/sign-up`: name, email, password and the language of account emails. The server
 * answers alike whether the email is new or taken, so the page says the same either way: look in
 * your inbox. A refused password is explained (too short, common, your own email).
 */
export function SignUpPage() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [language, setLanguage] = useState<string>(getLocale());
  const [sentTo, setSentTo] = useState<string | null>(null);
  const submit = useSubmit({ minLength: MIN_LENGTH });

  if (sentTo) {
    return (
      <AuthPage title={t('account.signUp.checkEmail')} testid="sign-up-sent">
        <p class="notice notice-success" role="status">
          {t('account.signUp.sent', { email: sentTo })}
        </p>
        <p class="muted">{t('account.signUp.sentHelp')}</p>
      </AuthPage>
    );
  }

  const send = async (event: Event) => {
    event.preventDefault();
    const address = email.trim();
    if (!EMAIL.test(address)) return submit.setError(t('form.emailInvalid'));
    // The password is the server's to judge: it says why one is refused.
    const ok = await submit.run(async () => {
      await signUp({ email: address, password, locale: language, ...(name.trim() ? { name: name.trim() } : {}) });
    });
    if (ok) setSentTo(address);
  };

  return (
    <AuthPage title={t('account.signUp.title')} testid="sign-up">
      <p class="muted">{t('account.optional')}</p>
      <form class="card auth-form" onSubmit={send} noValidate data-testid="sign-up-form">
        <FormError message={submit.error} />
        <Field id="sign-up-name" autocomplete="name" label={t('account.signUp.name')} required={false} maxLength={200} value={name} onInput={setName} />
        <Field id="sign-up-email" type="email" inputMode="email" autocomplete="email" label={t('form.email')} value={email} onInput={setEmail} />
        <Field
          id="sign-up-password"
          type="password"
          autocomplete="new-password"
          label={t('account.password')}
          help={t('account.signUp.passwordHelp', { min: MIN_LENGTH })}
          maxLength={1024}
          value={password}
          onInput={setPassword}
        />
        <div class="field">
          <label for="sign-up-language">{t('account.signUp.language')}</label>
          <select
            id="sign-up-language"
            data-testid="sign-up-language"
            value={language}
            onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}
          >
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
        </div>
        <SubmitButton busy={submit.busy} label={t('account.signUp.submit')} busyLabel={t('hold.working')} testid="sign-up-submit" />
      </form>
      <p>
        {t('account.signUp.haveAccount')} <a href="/account/sign-in">{t('account.signIn.title')}</a>
      </p>
    </AuthPage>
  );
}
