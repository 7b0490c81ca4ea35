/**
 * Whether this browser last knew itself signed in to a customer account, so the header can say
 * "Account" rather than "Sign in" without asking the server on every page (the session cookie is
 * HttpOnly, and a request per page view is too much during an on-sale rush). Only a hint: the
 * account page asks the server, and a 401 there clears it. Small on purpose: the main bundle
 * imports it.
 */
const KEY = 'taquilla.account';
const listeners = new Set<(on: boolean) => void>();

function read(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export const signedInHint = {
  get: read,
  set(on: boolean): void {
    try {
      if (on) localStorage.setItem(KEY, '1');
      else localStorage.removeItem(KEY);
    } catch {
      /* not remembered; the header says "Sign in" */
    }
    for (const listener of listeners) listener(on);
  },
  subscribe(listener: (on: boolean) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
