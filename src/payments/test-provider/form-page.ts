import { createHash } from 'node:crypto';
import { TEST_CARD_HELP } from './cards.js';
import { FORM_CSS, FORM_JS } from './form-assets.js';
import { STRINGS, type Language } from './form-i18n.js';
import type { SessionClaims } from './test-provider.js';

/**
 * The hosted card form's HTML. It holds no inline script or style: one script and one stylesheet,
 * each with this response's nonce and its sha384 (Subresource Integrity), under the same strict
 * policy as the app's payment pages. Everything that varies is escaped, because the description
 * and the origins come from configuration and callers rather than from this file.
 */
const sri = (text: string) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
export const FORM_ASSET_INTEGRITY = { '/pay/assets/form.js': sri(FORM_JS), '/pay/assets/form.css': sri(FORM_CSS) } as const;
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Minor units to a localized amount, using the currency's own number of decimals. */
function formatAmount(amount: number, currency: string, lang: Language): string {
  const format = new Intl.NumberFormat(lang, { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

function layout(lang: Language, title: string, bodyAttributes: string, content: string, nonce: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/pay/assets/form.css" integrity="${FORM_ASSET_INTEGRITY['/pay/assets/form.css']}" crossorigin="anonymous" nonce="${nonce}">
</head>
<body${bodyAttributes}>
${content}
</body>
</html>
`;
}

function field(name: 'cardNumber' | 'expiry' | 'cvc', label: string, error: string, input: string): string {
  return `<div class="field">
<label for="${name}">${escapeHtml(label)}</label>
<input id="${name}" name="${name}" ${input} required aria-describedby="${name}-error">
<p class="error" id="${name}-error" data-message="${escapeHtml(error)}" hidden></p>
</div>`;
}

export function renderPaymentPage(input: { sessionId: string; session: SessionClaims; appOrigin: string; lang: Language; nonce: string }): string {
  const { sessionId, session, appOrigin, lang, nonce } = input;
  const t = STRINGS[lang];
  const amount = formatAmount(session.amount, session.currency, lang);
  const cards = TEST_CARD_HELP.map((card) => `<li><code>${card.number}</code> ${escapeHtml(t.outcomes[card.outcome])}</li>`).join('\n');
  const attributes =
    ` data-app-origin="${escapeHtml(appOrigin)}" data-session-id="${escapeHtml(sessionId)}"` +
    ` data-failed="${escapeHtml(t.failed)}" data-done="${escapeHtml(t.done)}"`;
  return layout(
    lang,
    t.title,
    attributes,
    `<main>
<h1>${escapeHtml(t.title)}</h1>
<p class="summary">${escapeHtml(session.description)} <strong>${escapeHtml(amount)}</strong></p>
<form id="pay-form" novalidate>
${field('cardNumber', t.cardNumber, t.invalidCardNumber, 'inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="4242 4242 4242 4242"')}
<div class="row">
${field('expiry', t.expiry, t.invalidExpiry, `inputmode="numeric" autocomplete="cc-exp" maxlength="7" placeholder="${escapeHtml(t.expiryPlaceholder)}"`)}
${field('cvc', t.cvc, t.invalidCvc, 'inputmode="numeric" autocomplete="cc-csc" maxlength="4" placeholder="123"')}
</div>
<button type="submit">${escapeHtml(`${t.pay} ${amount}`)}</button>
<p id="status" role="status" aria-live="polite"></p>
</form>
<details class="help">
<summary>${escapeHtml(t.testCards)}</summary>
<ul>
${cards}
</ul>
</details>
</main>
<script src="/pay/assets/form.js" integrity="${FORM_ASSET_INTEGRITY['/pay/assets/form.js']}" crossorigin="anonymous" nonce="${nonce}" defer></script>`,
    nonce,
  );
}

export function renderInvalidSessionPage(lang: Language, nonce: string): string {
  const t = STRINGS[lang];
  return layout(
    lang,
    t.title,
    '',
    `<main>
<h1>${escapeHtml(t.title)}</h1>
<p class="error">${escapeHtml(t.invalidSession)}</p>
</main>`,
    nonce,
  );
}
