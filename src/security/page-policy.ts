import { randomBytes } from 'node:crypto';
import type { PageClass } from './page-classes.js';

export const CSP_REPORT_PATH = '/api/security/csp-reports';
/** The one Trusted Types policy the pages create (web/src/shared/trusted-types.ts): worker URLs only. */
export const TRUSTED_TYPES_POLICY = 'taquilla';

/** A fresh nonce for one response: 144 random bits, base64. */
export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export interface PolicyInput {
  /** The app's public address; https turns on HSTS, upgrade-insecure-requests and report-to. */
  baseUrl: string;
  paymentOrigin: string;
  /** Origins of the widgets a page of this class shows (never any on payment and account pages). */
  widgetOrigins: readonly string[];
}

/**
 * The strict Content-Security-Policy of a page class (web.dev "strict CSP"): scripts run only when
 * they carry this response's nonce or are loaded by one that does ('strict-dynamic'); no plugins,
 * no <base>, no framing of our pages, forms post only to us, and every string handed to a script
 * sink must come from the one Trusted Types policy. `frame-src` and `worker-src` name only what
 * the class uses: the card form on payment pages, widgets on the classes that show them.
 */
export function pageCsp(pageClass: PageClass, nonce: string, input: PolicyInput): string {
  const https = input.baseUrl.startsWith('https:');
  const frames = pageClass === 'payment' ? [input.paymentOrigin] : pageClass === 'account' || pageClass === 'operator' ? [] : [...input.widgetOrigins];
  const directives = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic' 'report-sample'`,
    `style-src 'self' 'nonce-${nonce}' 'report-sample'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    `frame-src ${frames.length ? frames.join(' ') : "'none'"}`,
    // The proof-of-work solver runs in a worker on the queue page and the console's sign-in.
    `worker-src ${pageClass === 'queue' || pageClass === 'operator' ? "'self' blob:" : "'none'"}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    `trusted-types ${TRUSTED_TYPES_POLICY}`,
    ...(https ? ['upgrade-insecure-requests'] : []),
    `report-uri ${CSP_REPORT_PATH}`,
    // Chromium sends Reporting API reports only over https.
    ...(https ? ['report-to csp'] : []),
  ];
  return directives.join('; ');
}

/** The headers every page carries besides its CSP; the tamper check expects exactly these. */
export function pageHeaders(pageClass: PageClass, input: PolicyInput): Record<string, string> {
  const https = input.baseUrl.startsWith('https:');
  const sensitive = pageClass === 'payment' || pageClass === 'account' || pageClass === 'operator';
  return {
    'x-content-type-options': 'nosniff',
    // Card and password pages tell no one where the fan came from or is.
    'referrer-policy': sensitive ? 'no-referrer' : 'same-origin',
    // The door scanner in the console needs the camera; nothing else needs any device.
    'permissions-policy': `camera=(${pageClass === 'operator' ? 'self' : ''}), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), display-capture=()`,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    // A page carries a nonce of its own: never stored, so no two loads share one.
    'cache-control': 'no-store',
    ...(https
      ? {
          'strict-transport-security': 'max-age=63072000; includeSubDomains',
          'reporting-endpoints': `csp="${new URL(CSP_REPORT_PATH, input.baseUrl).href}"`,
        }
      : {}),
  };
}

/** Headers on built assets (scripts, styles): not for embedding by other sites. */
export const ASSET_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
};

/** Splits a CSP header into directives and their sources. */
export function parseCsp(header: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !map.has(name.toLowerCase())) map.set(name.toLowerCase(), values);
  }
  return map;
}
