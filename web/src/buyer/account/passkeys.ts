import { ApiError } from '../../shared/api.js';
import { type MessageKey, t } from '../../shared/i18n.js';
import { type AccountPasskey, addPasskey, passkeyOptions, passkeySignIn, passkeySignInOptions } from './account-api.js';
import { explain } from './account-errors.js';

/**
 * A fan's passkeys in the browser, with @simplewebauthn/browser. The library is imported here
 * only, and only when a passkey is made or used: it stays out of the main buyer bundle and out of
 * the first load of /account. The options come from the server, which keeps each challenge for
 * two minutes and spends it once.
 */
const library = () => import('@simplewebauthn/browser');
type Library = Awaited<ReturnType<typeof library>>;

/** As the library's browserSupportsWebAuthn, but without loading it before a passkey is used. */
export function passkeysSupported(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function';
}

/** Asks the device for a new passkey and stores it under `name`. */
export async function createPasskey(name: string): Promise<AccountPasskey> {
  const [{ startRegistration }, optionsJSON] = await Promise.all([library(), passkeyOptions()]);
  const response = await startRegistration({ optionsJSON: optionsJSON as Parameters<Library['startRegistration']>[0]['optionsJSON'] });
  return addPasskey(response, name);
}

/** Signs in with whichever of the fan's passkeys the device offers (no email asked). */
export async function signInWithPasskey(): Promise<void> {
  const [{ startAuthentication }, optionsJSON] = await Promise.all([library(), passkeySignInOptions()]);
  const response = await startAuthentication({ optionsJSON: optionsJSON as Parameters<Library['startAuthentication']>[0]['optionsJSON'] });
  await passkeySignIn(response);
}

const BY_CODE: Record<string, MessageKey> = {
  passkey_exists: 'account.passkeys.error.exists',
  too_many_passkeys: 'account.passkeys.error.tooMany',
  passkey_not_found: 'account.passkeys.error.notFound',
};

/** The other refusals WebAuthn defines: the device could not make or use a passkey here. */
const DEVICE_ERRORS = new Set(['ConstraintError', 'InvalidStateError', 'NotSupportedError', 'SecurityError', 'UnknownError']);

/**
 * Why a passkey was not made (`add`) or did not sign in (`sign_in`), in the fan's language. The
 * device's refusals come as DOMException names: NotAllowedError is the fan (or a timeout) closing
 * the prompt, InvalidStateError a device that already holds one of this account's passkeys.
 */
export function explainPasskey(error: unknown, during: 'add' | 'remove' | 'sign_in'): string {
  if (error instanceof ApiError) {
    if (error.code === 'passkey_refused') return t(during === 'sign_in' ? 'account.passkeys.signInRefused' : 'account.passkeys.error.refused');
    const key = BY_CODE[error.code];
    return key ? t(key) : explain(error);
  }
  if (!passkeysSupported()) return t('account.passkeys.unsupported');
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') return t(during === 'sign_in' ? 'account.passkeys.signInCancelled' : 'account.passkeys.cancelled');
  if (name === 'InvalidStateError' && during === 'add') return t('account.passkeys.error.exists');
  if (name && DEVICE_ERRORS.has(name)) return t('account.passkeys.error.device');
  return explain(error);
}
