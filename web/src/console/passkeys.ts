import { api } from '../shared/api';

/**
 * Passkeys in the browser, with @simplewebauthn/browser. The library is loaded only when a passkey
 * is used, so the console's first load does not carry it. Options come from the server, which
 * keeps each challenge for two minutes and spends it once.
 */
const library = () => import('@simplewebauthn/browser');

export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
}

/** An assertion for the options the server gave at `optionsPath` (sign-in or sudo). */
export async function passkeyAssertion(optionsPath: string, send: (path: string, body: unknown) => Promise<unknown> = post): Promise<unknown> {
  const [{ startAuthentication }, optionsJSON] = await Promise.all([library(), send(optionsPath, undefined)]);
  return startAuthentication({ optionsJSON: optionsJSON as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
}

/** A new passkey for the signed-in (or enrolling) person. */
export async function passkeyRegistration(): Promise<unknown> {
  const [{ startRegistration }, optionsJSON] = await Promise.all([library(), post('/api/auth/staff/passkeys/options', undefined)]);
  return startRegistration({ optionsJSON: optionsJSON as Parameters<typeof startRegistration>[0]['optionsJSON'] });
}

function post(path: string, body: unknown): Promise<unknown> {
  return api(path, { method: 'POST', body });
}

/** Whether an error is the person (or the browser) closing the passkey prompt, not a failure to report loudly. */
export function passkeyCancelled(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NotAllowedError' || name === 'AbortError';
}
