import { ApiError } from '../../shared/api.js';
import { type MessageKey, t } from '../../shared/i18n.js';
import { describeError } from '../ui.js';

/**
 * The account API's refusals in the fan's language, from their stable codes: what is wrong and
 * what to do. `minLength` is the password length the form asks for (15 without a second factor).
 */
const BY_CODE: Record<string, MessageKey> = {
  invalid_credentials: 'account.error.invalid_credentials',
  invalid_code: 'account.error.invalid_code',
  email_unverified: 'account.error.email_unverified',
  password_reset_required: 'account.error.password_reset_required',
  link_invalid: 'account.error.link_invalid',
  unauthorized: 'account.error.unauthorized',
  csrf_refused: 'account.error.csrf_refused',
  challenge_required: 'account.error.challenge_required',
  totp_enrolled: 'account.error.totp_enrolled',
  totp_not_enrolled: 'account.error.totp_not_enrolled',
  password_too_short: 'account.error.password_too_short',
  wrong_step: 'account.error.wrong_step',
  session_not_found: 'account.error.session_not_found',
};

const PASSWORD_REASONS: Record<string, MessageKey> = {
  too_short: 'account.password.too_short',
  too_long: 'account.password.too_long',
  common: 'account.password.common',
  context: 'account.password.context',
};

/** Seconds the server asked the fan to wait (Retry-After, or `retryAfter` in the body). */
function retryAfter(error: ApiError): number {
  const header = Number(error.response?.headers.get('retry-after'));
  const body = Number((error.body.error as { retryAfter?: number } | undefined)?.retryAfter);
  const seconds = Number.isFinite(header) && header > 0 ? header : Number.isFinite(body) && body > 0 ? body : 60;
  return Math.ceil(seconds);
}

export function explain(error: unknown, options: { minLength?: number; wrongPassword?: boolean } = {}): string {
  if (!(error instanceof ApiError)) return describeError(error);
  const details = (error.body.error ?? {}) as { reason?: string; field?: string };
  if (error.status === 429) return t('account.error.tooMany', { seconds: retryAfter(error) });
  if (error.code === 'weak_password') {
    const key = PASSWORD_REASONS[details.reason ?? ''];
    if (key) return t(key, { min: options.minLength ?? 15 });
  }
  if (error.code === 'invalid_credentials' && options.wrongPassword) return t('account.error.wrongPassword');
  const key = BY_CODE[error.code];
  if (key) return t(key);
  if (error.status === 400 && details.field) {
    const field = details.field.split('.').at(-1) ?? '';
    if (field === 'email') return t('form.emailInvalid');
    if (/password/i.test(field)) return t('account.error.passwordMissing');
    if (field === 'totp' || field === 'recoveryCode' || field === 'code') return t('account.error.codeMissing');
  }
  return describeError(error);
}
