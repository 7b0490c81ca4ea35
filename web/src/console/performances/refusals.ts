import { ApiError } from '../../shared/api';
import { hasMessage, t } from '../i18n';

/**
 * The server's refusal in the console's language when its code is one these pages know
 * (`sales.refusal.<code>`); any other error as it came. The code stays in the error's detail line.
 */
export function inWords(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const key = `sales.refusal.${error.code}`;
  return hasMessage(key) ? new ApiError(error.status, error.code, t(key), error.body, error.response) : error;
}

/** For a confirmation dialog's action: its refusal shows in the dialog in words. */
export const explained =
  (action: () => Promise<void>): (() => Promise<void>) =>
  async () => {
    try {
      await action();
    } catch (e) {
      throw inWords(e);
    }
  };
