import { createHash } from 'node:crypto';

/**
 * The page a person gets when the page they asked for was shed: small, styled, in their language,
 * and it tries again by itself after Retry-After (a meta refresh of the same address: no script,
 * so it works under the strictest policy and costs the server nothing until then). Its CSP allows
 * only its own inline style, by hash.
 */
const LOCALES = ['en', 'es', 'fr', 'nl', 'nb'] as const;
type Locale = (typeof LOCALES)[number];

const TEXT: Record<Locale, { title: string; body: (seconds: number) => string; now: string }> = {
  en: {
    title: 'The box office is very busy right now',
    body: (s) => `So many fans are here at once that this page could not load. It will try again by itself in ${s} seconds; keep it open.`,
    now: 'Try again now',
  },
  es: {
    title: 'La taquilla está muy ocupada en este momento',
    body: (s) => `Hay tantos fans a la vez que esta página no ha podido cargarse. Se volverá a intentar sola dentro de ${s} segundos; no la cierres.`,
    now: 'Reintentar ahora',
  },
  fr: {
    title: 'La billetterie est très sollicitée en ce moment',
    body: (s) => `Il y a tant de fans en même temps que cette page n’a pas pu se charger. Elle réessaiera d’elle-même dans ${s} secondes ; gardez-la ouverte.`,
    now: 'Réessayer maintenant',
  },
  nl: {
    title: 'Het is nu erg druk bij de kassa',
    body: (s) => `Er zijn zoveel fans tegelijk dat deze pagina niet kon laden. Over ${s} seconden probeert hij het vanzelf opnieuw; houd hem open.`,
    now: 'Nu opnieuw proberen',
  },
  nb: {
    title: 'Billettkontoret har mye å gjøre akkurat nå',
    body: (s) => `Det er så mange fans samtidig at siden ikke kunne lastes. Den prøver igjen av seg selv om ${s} sekunder; la den være åpen.`,
    now: 'Prøv igjen nå',
  },
};

const STYLE =
  'body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f5f2;color:#15171a;' +
  'font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}' +
  'main{max-width:32rem;margin:1.5rem;padding:1.5rem 1.75rem;background:#fff;border:1px solid #d9dce1;border-radius:12px;' +
  'box-shadow:0 1px 2px rgb(21 23 26/6%),0 2px 8px rgb(21 23 26/6%)}' +
  'h1{font-size:1.35rem;line-height:1.2;margin:0 0 .5rem}p{margin:0 0 1rem;color:#3b4048}' +
  'a{display:inline-block;padding:.6rem 1rem;border-radius:8px;background:#b0123f;color:#fff;font-weight:600;text-decoration:none}' +
  'a:hover{background:#8c0d31}a:focus-visible{outline:3px solid #1457d1;outline-offset:2px}';

/** The shed page's own Content-Security-Policy: nothing but its inline style. */
export const SHED_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The visitor's language from Accept-Language: the supported one with the highest weight
 * (`no` and `nn` read Bokmål), English when none is supported.
 */
export function pageLocale(acceptLanguage: string | undefined): Locale {
  let best: Locale = 'en';
  let bestQ = 0;
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 20)) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    let primary = range.split('-')[0]!;
    if (primary === 'no' || primary === 'nn') primary = 'nb';
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if ((LOCALES as readonly string[]).includes(primary) && Number.isFinite(q) && q > bestQ) {
      best = primary as Locale;
      bestQ = q;
    }
  }
  return best;
}

/** Whether a refused request is a person opening a page (not the API, not a static file). */
export function isPageRequest(method: string, url: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !url.startsWith('/api/') && !url.startsWith('/assets/');
}

/** The page, in `locale`, retrying after `retryAfter` seconds. */
export function shedPage(locale: Locale, retryAfter: number): string {
  const t = TEXT[locale];
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="refresh" content="${retryAfter}"><title>${t.title} · Taquilla</title>` +
    `<style>${STYLE}</style></head><body><main role="status"><h1>${t.title}</h1><p>${t.body(retryAfter)}</p>` +
    // An empty href is this same address.
    `<a href="">${t.now}</a></main></body></html>`
  );
}
