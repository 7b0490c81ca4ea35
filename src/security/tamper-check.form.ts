import { FORM_ASSET_INTEGRITY } from '../payments/test-provider/form-page.js';
import { checkFile, fetchChecked, type RunState, sha384 } from './tamper-check.fetch.js';
import { checkFormCsp, compareHeaders } from './tamper-check.csp.js';
import { findingsFor } from './tamper-check.findings.js';
import { checkTags } from './tamper-check.html.js';
import type { TamperCheckDeps } from './tamper-check.js';

/** What the card form's page must carry besides its policy (test-provider.server.ts). */
const FORM_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };
const FORM_ASSET_HEADERS = { 'x-content-type-options': 'nosniff' };

/**
 * The payment provider's card form, fetched as the checkout's frame gets it: a fresh session, then
 * its page and files from the payment origin. The session is for one minor unit and is never paid:
 * the test provider keeps no state, so it costs nothing (a real provider would see one unpaid
 * session per run). The reference is FORM_ASSET_INTEGRITY, the provider's own hashes.
 */
export async function checkPaymentForm(deps: TamperCheckDeps, state: RunState): Promise<void> {
  const origin = new URL(deps.config.paymentOrigin).origin;
  let session: { sessionId: string; url: string };
  try {
    session = await deps.payments.createSession({ orderId: 'tamper-check', amount: 1, currency: 'EUR', description: 'Integrity check (never charged)' });
  } catch (error) {
    findingsFor(`${origin}/pay/:sessionId`, state.findings)('unreachable', 'a payment session', (error as Error).message);
    return;
  }
  const url = new URL(session.url);
  const label = url.href.replace(session.sessionId, ':sessionId');
  const page = await fetchChecked(state, url.href, label, 'iframe', { pageClass: 'payment-form' });
  if (page) {
    const html = page.bytes.toString('utf8');
    compareHeaders(page.headers, FORM_HEADERS, page.found);
    const nonce = checkFormCsp(page.headers.get('content-security-policy'), deps.config.baseUrl, page.found);
    const files = Object.entries(FORM_ASSET_INTEGRITY);
    const allowed = {
      scripts: new Map(files.filter(([path]) => path.endsWith('.js'))),
      styles: new Map(files.filter(([path]) => path.endsWith('.css'))),
    };
    checkTags(html, url, nonce, allowed, false, page.found);
    const stable = html.split(session.sessionId).join('SESSION');
    page.record.sha384 = sha384(nonce ? stable.split(nonce).join('NONCE') : stable);
  }
  // The files are checked even when the page could not be: they are what any session's page loads.
  await Promise.all(
    Object.entries(FORM_ASSET_INTEGRITY).map(([path, integrity]) => {
      const file = new URL(path, url.origin);
      return checkFile(state, file, file.href, path.endsWith('.js') ? 'script' : 'style', integrity, FORM_ASSET_HEADERS);
    }),
  );
}
