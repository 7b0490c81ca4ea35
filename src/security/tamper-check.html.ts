import type { FindingKind } from './tamper-check.findings.js';

type Found = (kind: FindingKind, expected: string, actual: string) => void;

/**
 * The tags of a page that decide what runs on it, read with regular expressions: the pages checked
 * are generated (Vite's build, the card form's template), so a tag that does not fit these patterns
 * is itself out of place.
 */
interface Tag {
  name: string;
  attrs: Map<string, string>;
  /** A script's inline text. */
  text: string;
}

function attributes(inside: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of inside.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!attrs.has(name)) attrs.set(name, m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

function tagsOf(html: string): { scripts: Tag[]; others: Tag[] } {
  const scripts: Tag[] = [];
  const rest = html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, (_all, inside: string, text: string) => {
    scripts.push({ name: 'script', attrs: attributes(inside), text });
    return '';
  });
  const others: Tag[] = [];
  for (const m of rest.matchAll(/<([a-z][a-z0-9-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi)) {
    others.push({ name: m[1]!.toLowerCase(), attrs: attributes(m[2]!), text: '' });
  }
  // A <script> with no closing tag is still a script to the browser.
  for (const t of others.filter((o) => o.name === 'script')) scripts.push(t);
  return { scripts, others: others.filter((o) => o.name !== 'script') };
}

/** What a page may load: path -> sha384, for scripts and for stylesheets. */
export interface Allowed {
  scripts: Map<string, string>;
  styles: Map<string, string>;
}

export interface PageTags {
  /** Same-origin files the page names (tags and import map), to fetch and hash. */
  scripts: Set<string>;
  styles: Set<string>;
  /** The class the page names in its meta tag. */
  pageClass: string | undefined;
}

const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/**
 * Compares the tags of a page with what it may load. Every script (tag or import-map entry) and
 * every stylesheet must be one of `allowed`, on the page's origin, with the build's integrity;
 * every tag carries the response's nonce; nothing inline runs except the one import map (when
 * `importMap` is true; the card form has none); no frame, object, embed or base element.
 * `allowed` undefined (the page names no registered build) checks all of that but membership.
 */
export function checkTags(html: string, pageUrl: URL, nonce: string | undefined, allowed: Allowed | undefined, importMap: boolean, found: Found): PageTags {
  const { scripts, others } = tagsOf(html);
  const out: PageTags = { scripts: new Set(), styles: new Set(), pageClass: undefined };
  const checkNonce = (tag: Tag, what: string) => {
    if (nonce !== undefined && tag.attrs.get('nonce') !== nonce)
      found('nonce_mismatch', `${what} with the header's nonce`, `${what} nonce="${tag.attrs.get('nonce') ?? ''}"`);
  };
  /** A URL the page loads: its path when it is on the page's origin and allowed, with the same integrity. */
  const checkFile = (url: string, integrity: string | undefined, kind: 'script' | 'style') => {
    const resolved = new URL(url, pageUrl);
    const sameOrigin = resolved.origin === pageUrl.origin;
    const path = resolved.pathname;
    const expected = (kind === 'script' ? allowed?.scripts : allowed?.styles)?.get(path);
    const notInBuild: FindingKind = kind === 'script' ? 'script_not_in_build' : 'style_not_in_build';
    if (!sameOrigin) return found(notInBuild, `a ${kind} of the build on ${pageUrl.origin}`, resolved.href);
    (kind === 'script' ? out.scripts : out.styles).add(path);
    if (!allowed) return;
    if (expected === undefined || resolved.search !== '')
      return found(notInBuild, `a ${kind} this page loads in the build`, resolved.pathname + resolved.search);
    if (integrity !== expected) found('integrity_mismatch', `${path} ${expected}`, `${path} ${integrity ?? '(no integrity)'}`);
  };

  let importMaps = 0;
  for (const tag of scripts) {
    const type = (tag.attrs.get('type') ?? '').trim().toLowerCase();
    const src = tag.attrs.get('src');
    if (type === 'importmap' && src === undefined && importMap && importMaps++ === 0) {
      checkNonce(tag, 'the import map');
      checkImportMap(tag.text, pageUrl, allowed, found, (url, integrity) => checkFile(url, integrity, 'script'));
    } else if (type === 'importmap') {
      found(
        'importmap_changed',
        importMap ? 'one inline import map' : 'no import map',
        short(`<script ${[...tag.attrs].map(([k, v]) => `${k}="${v}"`).join(' ')}>${tag.text}`),
      );
    } else if (src !== undefined) {
      checkNonce(tag, src);
      checkFile(src, tag.attrs.get('integrity'), 'script');
    } else {
      found('inline_script', 'no inline script', short(tag.text.trim()) || '(empty inline script)');
    }
  }
  if (importMap && importMaps === 0) found('importmap_missing', 'an import map with the integrity of every script', '(none)');

  for (const tag of others) {
    const rel = new Set((tag.attrs.get('rel') ?? '').toLowerCase().split(/\s+/));
    const as = (tag.attrs.get('as') ?? '').toLowerCase();
    const href = tag.attrs.get('href');
    if (tag.name === 'link' && href !== undefined) {
      const loads = rel.has('stylesheet') || (as === 'style' && (rel.has('preload') || rel.has('prefetch'))) ? 'style' : undefined;
      const runs = rel.has('modulepreload') || (as === 'script' && (rel.has('preload') || rel.has('prefetch'))) ? 'script' : undefined;
      const kind = loads ?? runs;
      if (kind) {
        checkNonce(tag, href);
        checkFile(href, tag.attrs.get('integrity'), kind);
      }
    } else if (tag.name === 'style') {
      found('inline_style', 'no inline style element', '<style>');
    } else if (['iframe', 'frame', 'object', 'embed', 'base', 'portal'].includes(tag.name)) {
      found('unexpected_element', 'no frames, plugins or <base>', short(`<${tag.name} ${[...tag.attrs].map(([k, v]) => `${k}="${v}"`).join(' ')}>`));
    } else if (tag.name === 'meta') {
      if (tag.attrs.get('name') === 'taquilla-page-class') out.pageClass = tag.attrs.get('content');
      if (tag.attrs.has('nonce')) checkNonce(tag, '<meta nonce>');
    }
  }
  for (const tag of [...scripts, ...others]) {
    for (const [name, value] of tag.attrs) {
      if (/^on[a-z]/.test(name)) found('inline_handler', 'no inline event handlers', short(`<${tag.name} ${name}="${value}">`));
      else if (['href', 'src', 'action', 'formaction', 'data'].includes(name) && /^\s*javascript:/i.test(value)) {
        found('inline_handler', 'no javascript: URLs', short(`<${tag.name} ${name}="${value}">`));
      }
    }
  }
  return out;
}

/** The import map holds only `integrity`, one entry per script the page may load later, each the build's. */
function checkImportMap(text: string, pageUrl: URL, allowed: Allowed | undefined, found: Found, checkFile: (url: string, integrity: string) => void) {
  let map: unknown;
  try {
    map = JSON.parse(text);
  } catch {
    return found('importmap_changed', 'an import map (JSON)', short(text));
  }
  const object = map && typeof map === 'object' && !Array.isArray(map) ? (map as Record<string, unknown>) : {};
  const extra = Object.keys(object).filter((k) => k !== 'integrity');
  if (extra.length) found('importmap_changed', 'only "integrity"', short(JSON.stringify(Object.fromEntries(extra.map((k) => [k, object[k]])))));
  const entries = object.integrity && typeof object.integrity === 'object' ? (object.integrity as Record<string, unknown>) : {};
  const listed = new Set<string>();
  for (const [url, integrity] of Object.entries(entries)) {
    const resolved = new URL(url, pageUrl);
    listed.add(resolved.pathname);
    const expected = allowed?.scripts.get(resolved.pathname);
    if (resolved.origin === pageUrl.origin && allowed && expected === undefined) {
      found('importmap_entry_unexpected', 'scripts this page loads in the build', url);
      continue;
    }
    if (expected !== undefined && integrity !== expected) {
      found('importmap_entry_mismatch', `${resolved.pathname} ${expected}`, `${resolved.pathname} ${String(integrity)}`);
      continue;
    }
    checkFile(url, String(integrity));
  }
  for (const path of allowed?.scripts.keys() ?? []) {
    if (!listed.has(path)) found('importmap_entry_missing', `${path} in the import map`, '(not listed: the browser would load it unchecked)');
  }
}
