/**
 * The pages run under `require-trusted-types-for 'script'`: a string reaches a script sink only
 * through a Trusted Types policy, and the CSP allows one, `taquilla` (src/security/page-policy.ts).
 * It creates script URLs only, and only for our own built assets and the blob URLs made from
 * them below; Preact renders without HTML sinks, so no page needs more. An injected script that
 * tries `script.src = ...` or `innerHTML = ...` is refused by the browser and reported.
 */
interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy;
}

let policy: ScriptUrlPolicy | undefined;

function scriptUrl(url: string): string | URL {
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!factory) return url;
  policy ??= factory.createPolicy('taquilla', {
    createScriptURL(candidate) {
      const parsed = new URL(candidate, location.href);
      const ours = parsed.origin === location.origin && parsed.pathname.startsWith('/assets/');
      if (ours || (parsed.protocol === 'blob:' && candidate.startsWith(`blob:${location.origin}/`))) return candidate;
      throw new TypeError(`Refused to load a script from ${parsed.origin}`);
    },
  });
  // A TrustedScriptURL is accepted wherever the DOM takes a script URL.
  return policy.createScriptURL(url) as string;
}

/** The sha384 the build recorded for one of our assets, from the page's import map. */
function integrityOf(path: string): string | undefined {
  const map = document.querySelector('script[type="importmap"]')?.textContent;
  if (!map) return undefined;
  try {
    return (JSON.parse(map) as { integrity?: Record<string, string> }).integrity?.[path];
  } catch {
    return undefined;
  }
}

/**
 * Starts one of our module workers after checking its bytes: `new Worker` has no integrity
 * attribute, so the file is fetched with the build's sha384 (the browser refuses a mismatch) and
 * the worker runs from that verified copy.
 */
export async function startVerifiedWorker(url: URL): Promise<Worker> {
  const integrity = integrityOf(url.pathname);
  // A development server (vite) has no import map: nothing to check against.
  if (!integrity) return new Worker(scriptUrl(url.href) as string, { type: 'module' });
  const response = await fetch(url, { integrity, credentials: 'same-origin' });
  if (!response.ok) throw new Error(`The browser check could not load (${response.status})`);
  const blobUrl = URL.createObjectURL(new Blob([await response.arrayBuffer()], { type: 'text/javascript' }));
  const worker = new Worker(scriptUrl(blobUrl) as string, { type: 'module' });
  URL.revokeObjectURL(blobUrl);
  return worker;
}
