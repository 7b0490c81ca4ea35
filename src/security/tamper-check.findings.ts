/**
 * What the tamper check can find. Every finding names the page or file (a path on the app, a URL
 * on the payment origin), what the registered build or the policy says, and what was received.
 */
export type FindingKind =
  /** The page or file did not answer (refused, timed out, 429 or 5xx): the check could not look. */
  | 'unreachable'
  /** It answered something other than 200 (a redirect, a 404). */
  | 'status'
  /** The page names a build that was never registered, or none. */
  | 'unknown_build'
  | 'page_class'
  | 'header_missing'
  | 'header_changed'
  | 'csp_missing'
  /** More than one policy (a second Content-Security-Policy header). */
  | 'csp_extra_policy'
  | 'csp_directive_missing'
  | 'csp_directive_added'
  | 'csp_source_missing'
  | 'csp_source_added'
  /** 'unsafe-inline', 'unsafe-eval', a wildcard or a whole scheme where scripts, styles or frames are decided. */
  | 'csp_unsafe_source'
  | 'csp_strict_dynamic_missing'
  | 'csp_nonce_missing'
  /** A nonce under 128 bits, which can be guessed. */
  | 'csp_nonce_weak'
  /** frame-src names something besides the payment origin (payment pages), or anything (account pages). */
  | 'csp_frame_src'
  /** The card form may be framed by something besides the app. */
  | 'csp_frame_ancestors'
  /** A script the page's build does not load there: another origin, another file, an inline one. */
  | 'script_not_in_build'
  | 'style_not_in_build'
  | 'inline_script'
  | 'inline_style'
  /** An inline event handler or a javascript: URL in a tag. */
  | 'inline_handler'
  /** A frame, object, embed or base element: nothing of the kind belongs on these pages. */
  | 'unexpected_element'
  /** A tag's nonce differs from the header's (or is missing). */
  | 'nonce_mismatch'
  /** A tag's integrity attribute differs from the build's sha384 (or is missing). */
  | 'integrity_mismatch'
  | 'importmap_missing'
  /** A second import map, or one with imports or scopes that could send a module elsewhere. */
  | 'importmap_changed'
  | 'importmap_entry_unexpected'
  | 'importmap_entry_missing'
  | 'importmap_entry_mismatch'
  /** The bytes received hash to something else than the registered build says. */
  | 'asset_hash_mismatch'
  /** The page or file came compressed but does not decompress (a replaced .br or .gz). */
  | 'undecodable';

export interface TamperFinding {
  page: string;
  kind: FindingKind;
  expected: string;
  actual: string;
}

/** Collects findings for one page or file. */
export function findingsFor(page: string, into: TamperFinding[]) {
  return (kind: FindingKind, expected: string, actual: string) => {
    into.push({ page, kind, expected, actual });
  };
}

/** Findings that say something was changed, as opposed to the check being unable to look. */
export const signsOfTampering = (findings: readonly TamperFinding[]) => findings.filter((f) => f.kind !== 'unreachable');
