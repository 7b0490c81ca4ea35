import { parseCsp } from './page-policy.js';
import type { FindingKind } from './tamper-check.findings.js';

type Found = (kind: FindingKind, expected: string, actual: string) => void;
type Policy = Map<string, string[]>;

/** Directives where a loose source lets code, styles or frames in; img-src may name data: and blob:. */
const GATES = new Set([
  'default-src',
  'script-src',
  'script-src-elem',
  'script-src-attr',
  'style-src',
  'style-src-elem',
  'style-src-attr',
  'object-src',
  'base-uri',
  'frame-src',
  'child-src',
  'worker-src',
  'connect-src',
  'form-action',
  'frame-ancestors',
]);
const UNSAFE_KEYWORDS = new Set(["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "'unsafe-allow-redirects'"]);
const isUnsafe = (source: string) => UNSAFE_KEYWORDS.has(source) || source.includes('*') || /^[a-z][a-z0-9+.-]*:$/.test(source);

/** Keywords and hosts compare without case; nonce and hash values keep theirs. */
const norm = (source: string) => {
  const m = /^'(nonce|sha256|sha384|sha512)-(.*)'$/i.exec(source);
  return m ? `'${m[1]!.toLowerCase()}-${m[2]}'` : source.toLowerCase();
};

/** The nonce a policy's script-src carries, if exactly one. */
function nonceOf(policy: Policy): string | undefined {
  const nonces = (policy.get('script-src') ?? []).map((s) => /^'nonce-([^']*)'$/i.exec(s)?.[1]).filter((n) => n !== undefined);
  return nonces.length === 1 ? nonces[0] : undefined;
}

/** Bits of randomness in a base64 nonce; 0 when it is not base64. */
const nonceBits = (nonce: string) => (/^[A-Za-z0-9+/_-]+={0,2}$/.test(nonce) ? Buffer.from(nonce, 'base64').length * 8 : 0);

/**
 * Reads the Content-Security-Policy header: one policy, whose script-src carries one nonce of at
 * least 128 bits. Answers the policy and its nonce, for the directive checks and the tags.
 */
function readPolicy(header: string | null, found: Found): { policy: Policy; nonce: string | undefined } | undefined {
  if (!header) {
    found('csp_missing', 'a Content-Security-Policy header', '(none)');
    return undefined;
  }
  // Source expressions never hold a comma: a comma joins two headers, i.e. two policies.
  const [first, ...extra] = header.split(',');
  if (extra.length) found('csp_extra_policy', 'one policy', extra.join(',').trim());
  const policy = parseCsp(first!);
  const nonce = nonceOf(policy);
  if (nonce === undefined) found('csp_nonce_missing', "script-src 'nonce-…' (one)", `script-src ${(policy.get('script-src') ?? []).join(' ')}`);
  else if (nonceBits(nonce) < 128) found('csp_nonce_weak', 'at least 128 bits', `${nonceBits(nonce)} bits (${nonce})`);
  return { policy, nonce };
}

const addedKind = (directive: string, source: string): FindingKind =>
  directive === 'frame-src' ? 'csp_frame_src' : GATES.has(directive) && isUnsafe(norm(source)) ? 'csp_unsafe_source' : 'csp_source_added';

/**
 * A page's policy against the one Taquilla sends for its class (`expectedFor` builds it around the
 * nonce the page carries), directive by directive: each one missing, added, or with a source more
 * or fewer is a finding. Answers the page's nonce, which every tag must carry.
 */
export function comparePageCsp(header: string | null, expectedFor: (nonce: string) => string, found: Found): string | undefined {
  const read = readPolicy(header, found);
  if (!read) return undefined;
  const { policy, nonce } = read;
  const expected = parseCsp(expectedFor(nonce ?? 'NONCE-MISSING'));
  for (const [directive, sources] of expected) {
    const got = policy.get(directive);
    if (!got) {
      found('csp_directive_missing', `${directive} ${sources.join(' ')}`, '(none)');
      continue;
    }
    const gotNorm = new Set(got.map(norm));
    const wantNorm = new Set(sources.map(norm));
    for (const source of sources) {
      if (gotNorm.has(norm(source)) || (nonce === undefined && source.startsWith("'nonce-"))) continue;
      found(source === "'strict-dynamic'" ? 'csp_strict_dynamic_missing' : 'csp_source_missing', `${directive} ${source}`, `${directive} ${got.join(' ')}`);
    }
    for (const source of got) {
      if (!wantNorm.has(norm(source))) found(addedKind(directive, source), `${directive} ${sources.join(' ')}`, `${directive} ${got.join(' ')}`);
    }
  }
  for (const [directive, sources] of policy) {
    if (!expected.has(directive)) found('csp_directive_added', '(none)', `${directive} ${sources.join(' ')}`);
  }
  return nonce;
}

/**
 * The card form's policy, which the payment provider writes: what must hold whatever else it says.
 * A nonce and 'strict-dynamic' for scripts and nothing else that could admit one, no loose source
 * anywhere code or frames are decided, framed only by the app, no plugins, no <base>, Trusted Types.
 */
export function checkFormCsp(header: string | null, appOrigin: string, found: Found): string | undefined {
  const read = readPolicy(header, found);
  if (!read) return undefined;
  const { policy, nonce } = read;
  const exactly = (directive: string, want: string[], kind: FindingKind = 'csp_source_added') => {
    const got = policy.get(directive);
    if (!got) return found('csp_directive_missing', `${directive} ${want.join(' ')}`, '(none)');
    const same = got.length === want.length && got.every((s) => want.some((w) => norm(w) === norm(s)));
    if (!same) found(kind, `${directive} ${want.join(' ')}`, `${directive} ${got.join(' ')}`);
  };
  const scripts = policy.get('script-src') ?? [];
  if (!scripts.some((s) => norm(s) === "'strict-dynamic'"))
    found('csp_strict_dynamic_missing', "script-src 'strict-dynamic'", `script-src ${scripts.join(' ')}`);
  for (const source of scripts) {
    if (!/^'(nonce-[^']*|strict-dynamic|report-sample)'$/i.test(source))
      found(addedKind('script-src', source), "script-src 'nonce-…' 'strict-dynamic'", `script-src ${scripts.join(' ')}`);
  }
  for (const [directive, sources] of policy) {
    if (directive === 'script-src' || !GATES.has(directive)) continue;
    for (const source of sources) if (isUnsafe(norm(source))) found('csp_unsafe_source', `${directive} without ${source}`, `${directive} ${sources.join(' ')}`);
  }
  exactly('default-src', ["'none'"]);
  exactly('frame-ancestors', [new URL(appOrigin).origin], 'csp_frame_ancestors');
  exactly('object-src', ["'none'"]);
  exactly('base-uri', ["'none'"]);
  exactly('require-trusted-types-for', ["'script'"], 'csp_source_missing');
  if (!policy.has('trusted-types')) found('csp_directive_missing', 'trusted-types', '(none)');
  return nonce;
}

/** Every expected header present with exactly the expected value. */
export function compareHeaders(headers: Headers, expected: Record<string, string>, found: Found): void {
  for (const [name, value] of Object.entries(expected)) {
    const got = headers.get(name);
    if (got === null) found('header_missing', `${name}: ${value}`, '(none)');
    else if (got.trim() !== value) found('header_changed', `${name}: ${value}`, `${name}: ${got}`);
  }
}
