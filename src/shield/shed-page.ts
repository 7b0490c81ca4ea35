import { createHash } from 'node:crypto';

/**
 * The page a person gets when the page they asked for was shed: small, styled, in their language,
 * and it tries again by itself after Retry-After. The retry is a few lines of inline script rather
 * than a meta refresh, so the person can stop it (WCAG 2.2.1: a page that reloads on a timer must
 * let them turn that off) and "Try again now" stays theirs to press. The buyer pages need script
 * anyway, so nothing is lost without it. Its CSP allows only its own inline style and script, by
 * hash; it costs the server nothing until the retry.
 */
export const SHED_PAGE_LOCALES = ['en', 'es', 'fr', 'nl', 'nb'] as const;
const LOCALES = SHED_PAGE_LOCALES;
type Locale = (typeof LOCALES)[number];

const TEXT: Record<Locale, { title: string; body: (seconds: number) => string; now: string; stop: string; stopped: string }> = {
  en: {
    title: 'The box office is very busy right now',
    body: (s) => `So many fans are here at once that this page could not load. It will try again by itself in ${s} seconds; keep it open.`,
    now: 'Try again now',
    stop: 'Stop trying by itself',
    stopped: 'It will not try again by itself. Try again when you are ready.',
  },
  es: {
    title: 'La taquilla está muy ocupada en este momento',
    body: (s) => `Hay tantos fans a la vez que esta página no ha podido cargarse. Se volverá a intentar sola dentro de ${s} segundos; no la cierres.`,
    now: 'Reintentar ahora',
    stop: 'No reintentar sola',
    stopped: 'Ya no se volverá a intentar sola. Reinténtalo cuando quieras.',
  },
  fr: {
    title: 'La billetterie est très sollicitée en ce moment',
    body: (s) => `Il y a tant de fans en même temps que cette page n’a pas pu se charger. Elle réessaiera d’elle-même dans ${s} secondes ; gardez-la ouverte.`,
    now: 'Réessayer maintenant',
    stop: 'Ne plus réessayer d’elle-même',
    stopped: 'Elle ne réessaiera plus d’elle-même. Réessayez quand vous le souhaitez.',
  },
  nl: {
    title: 'Het is nu erg druk bij de kassa',
    body: (s) => `Er zijn zoveel fans tegelijk dat deze pagina niet kon laden. Over ${s} seconden probeert hij het vanzelf opnieuw; houd hem open.`,
    now: 'Nu opnieuw proberen',
    stop: 'Niet meer vanzelf proberen',
    stopped: 'Hij probeert het niet meer vanzelf. Probeer het opnieuw wanneer je wilt.',
  },
  nb: {
    title: 'Billettkontoret har mye å gjøre akkurat nå',
    body: (s) => `Det er så mange fans samtidig at siden ikke kunne lastes. Den prøver igjen av seg selv om ${s} sekunder; la den være åpen.`,
    now: 'Prøv igjen nå',
    stop: 'Ikke prøv igjen av seg selv',
    stopped: 'Den prøver ikke igjen av seg selv lenger. Prøv igjen når du er klar.',
  },
};

const STYLE =
  'body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f5f2;color:#15171a;' +
  'font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}' +
  'main{max-width:32rem;margin:1.5rem;padding:1.5rem 1.75rem;background:#fff;border:1px solid #d9dce1;border-radius:12px;' +
  'box-shadow:0 1px 2px rgb(21 23 26/6%),0 2px 8px rgb(21 23 26/6%)}' +
  'h1{font-size:1.35rem;line-height:1.2;margin:0 0 .5rem}p{margin:0 0 1rem;color:#3b4048}' +
  '.actions{display:flex;flex-wrap:wrap;gap:.5rem}' +
  'a,button{padding:.6rem 1rem;border:2px solid #b0123f;border-radius:8px;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}' +
  'a{background:#b0123f;color:#fff}a:hover{background:#8c0d31}button{background:#fff;color:#b0123f}button:hover{background:#f6f5f2}' +
  'a:focus-visible,button:focus-visible{outline:3px solid #1457d1;outline-offset:2px}';

/**
 * Reloads after the seconds on the stop button, unless it is pressed: then the notice says so
 * and focus goes to "Try again now". The same text on every page, so one hash allows it.
 */
const SCRIPT =
  "(()=>{const d=document,$=(i)=>d.getElementById(i),b=$('stop'),t=setTimeout(()=>location.reload(),b.dataset.seconds*1e3);" +
  "b.onclick=()=>{clearTimeout(t);$('auto').hidden=b.hidden=true;$('stopped').hidden=false;$('now').focus()}})()";

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** The shed page's own Content-Security-Policy: nothing but its inline style and script. */
export const SHED_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${sha256(STYLE)}'`,
  `script-src 'sha256-${sha256(SCRIPT)}'`,
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

/** The page, in `locale`, retrying after `retryAfter` seconds unless its reader stops it. */
export function shedPage(locale: Locale, retryAfter: number): string {
  const t = TEXT[locale];
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${t.title} · Taquilla</title><style>${STYLE}</style></head><body><main><h1>${t.title}</h1>` +
    // A polite live region: stopping the retry is announced.
    `<div aria-live="polite"><p id="auto">${t.body(retryAfter)}</p><p id="stopped" hidden>${t.stopped}</p></div>` +
    // An empty href is this same address.
    `<div class="actions"><a id="now" href="">${t.now}</a><button type="button" id="stop" data-seconds="${retryAfter}">${t.stop}</button></div>` +
    `</main><script>${SCRIPT}</script></body></html>`
  );
}
