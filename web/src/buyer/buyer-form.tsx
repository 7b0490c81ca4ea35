import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { getLocale, LOCALE_NAMES, LOCALES, t, type Locale } from '../shared/i18n.js';
import { suggestEmail } from './email-typo.js';
import type { BuyerDetails } from './storage.js';
import { ErrorMessage } from './ui.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What the server said was wrong with a submission: a field to point at, or a message. */
/** `reset`: the details the server already holds under this checkout's key, put back in the form. */
export type SubmitProblem = { field: 'name' | 'email' } | { message: string; reset?: BuyerDetails } | null;

/**
 * The buyer's name, email and email language, used for the first entry and for corrections
 * before paying. When the email's domain looks mistyped ("gmial.com") a "did you mean" appears
 * under the field once the fan leaves it; one tap takes the suggestion. It never blocks sending.
 */
export function BuyerForm({
  initial,
  locale,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: BuyerDetails | undefined;
  locale: Locale;
  submitLabel: string;
  onSubmit: (buyer: BuyerDetails) => Promise<SubmitProblem>;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [email, setEmail] = useState(initial?.email ?? '');
  const [language, setLanguage] = useState<string>(initial?.locale ?? getLocale());
  const [touchedLanguage, setTouchedLanguage] = useState(Boolean(initial));
  const [emailLeft, setEmailLeft] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; email?: string }>({});
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);

  // Until the buyer picks an email language, it follows the page's.
  useEffect(() => {
    if (!touchedLanguage) setLanguage(locale);
  }, [locale]);

  const suggestion = emailLeft ? suggestEmail(email) : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    setEmailLeft(true);
    const buyer: BuyerDetails = { name: name.trim(), email: email.trim(), locale: language };
    const found: typeof errors = {};
    if (!buyer.name) found.name = t('form.nameRequired');
    if (!EMAIL.test(buyer.email)) found.email = t('form.emailInvalid');
    setErrors(found);
    if (found.name) return nameRef.current?.focus();
    if (found.email) return emailRef.current?.focus();
    setSending(true);
    const problem = await onSubmit(buyer);
    setSending(false);
    if (!problem) return;
    if ('message' in problem) {
      if (problem.reset) {
        setName(problem.reset.name);
        setEmail(problem.reset.email);
        setLanguage(problem.reset.locale);
      }
      return setFailure(problem.message);
    }
    if (problem.field === 'email') {
      setErrors({ email: t('form.emailInvalid') });
      return emailRef.current?.focus();
    }
    setErrors({ name: t('form.nameRequired') });
    nameRef.current?.focus();
  };

  const emailDescribedBy = ['email-help', suggestion ? 'email-suggestion' : '', errors.email ? 'buyer-email-error' : ''].filter(Boolean).join(' ');
  return (
    <form onSubmit={submit} noValidate data-testid="buyer-form">
      <div class="field">
        <label for="buyer-name">{t('form.name')}</label>
        <input
          id="buyer-name"
          name="name"
          autocomplete="name"
          required
          maxLength={200}
          ref={nameRef}
          data-testid="buyer-name"
          value={name}
          onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          aria-invalid={errors.name ? 'true' : undefined}
          aria-describedby={errors.name ? 'buyer-name-error' : undefined}
        />
        {errors.name && (
          <p class="field-error" id="buyer-name-error">
            {errors.name}
          </p>
        )}
      </div>
      <div class="field">
        <label for="buyer-email">{t('form.email')}</label>
        <input
          id="buyer-email"
          name="email"
          type="email"
          autocomplete="email"
          inputMode="email"
          required
          maxLength={254}
          ref={emailRef}
          data-testid="buyer-email"
          value={email}
          onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
          onBlur={() => setEmailLeft(true)}
          aria-invalid={errors.email ? 'true' : undefined}
          aria-describedby={emailDescribedBy}
        />
        <p class="field-help" id="email-help">
          {t('form.emailHelp')}
        </p>
        <div aria-live="polite">
          {suggestion && (
            <p class="email-suggestion" id="email-suggestion" data-testid="email-suggestion">
              <button
                type="button"
                class="link-button"
                data-testid="email-suggestion-accept"
                onClick={() => {
                  setEmail(suggestion);
                  setErrors(({ name }) => ({ name }));
                  emailRef.current?.focus();
                }}
              >
                {t('form.didYouMean', { email: suggestion })}
              </button>
            </p>
          )}
        </div>
        {errors.email && (
          <p class="field-error" id="buyer-email-error">
            {errors.email}
          </p>
        )}
      </div>
      <div class="field">
        <label for="buyer-locale">{t('form.language')}</label>
        <select
          id="buyer-locale"
          name="locale"
          data-testid="buyer-locale"
          value={language}
          onChange={(e) => {
            setTouchedLanguage(true);
            setLanguage((e.currentTarget as HTMLSelectElement).value);
          }}
        >
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LOCALE_NAMES[code]}
            </option>
          ))}
        </select>
      </div>
      {failure && <ErrorMessage>{failure}</ErrorMessage>}
      <div class="form-actions">
        <button type="submit" class="button button-primary button-block" data-testid="buyer-submit" disabled={sending} aria-busy={sending ? 'true' : undefined}>
          {sending ? t('hold.working') : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="button button-secondary button-block" data-testid="buyer-cancel" onClick={onCancel} disabled={sending}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** An email address that may wrap after its "@" or before a dot, never in the middle of a word. */
export function EmailText({ email }: { email: string }) {
  const pieces = email.split(/(?=\.)|(?<=@)/);
  return (
    <span class="email">
      {pieces.map((piece, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {piece}
        </Fragment>
      ))}
    </span>
  );
}
