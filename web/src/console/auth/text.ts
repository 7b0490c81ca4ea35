import { ApiError } from '../../shared/api';
import { hasMessage, t } from '../i18n';

/**
 * The server's refusals on the sign-in, invitation and enrolment pages, explained from their
 * stable codes (or a weak password's reason), so they read in the console's language too; the
 * server's own words otherwise.
 */
export function explain(error: unknown): string {
  if (error instanceof ApiError) {
    const reason = (error.body.error as { reason?: string } | undefined)?.reason;
    for (const code of [reason, error.code]) {
      const key = `auth.${code}`;
      if (code && hasMessage(key)) return t(key);
    }
    return error.message || t('auth.unknown');
  }
  return error instanceof Error && error.message ? error.message : t('auth.unknown');
}
