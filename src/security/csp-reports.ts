import { createHash } from 'node:crypto';
import { pageClassOf, type PageClass } from './page-classes.js';

/**
 * A Content-Security-Policy violation, reduced to what says which code was blocked where: no
 * query strings or fragments (they can carry personal data), ids in page paths folded, at most 40
 * characters of the script sample (what browsers send with 'report-sample').
 */
export interface CspViolation {
  /** The class of the page that reported: the card form's origin is a payment page. */
  pageClass: PageClass;
  document: string;
  directive: string;
  blocked: string;
  source: string;
  sample: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.slice(0, max) : '');

/** A page address as its path, ids folded (`/performances/:id`); another origin as its origin. */
function place(url: string): string {
  if (!url) return '';
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(UUID, ':id')}`.slice(0, 300);
  } catch {
    return url.slice(0, 40);
  }
}

/** What was blocked: a keyword (`inline`, `eval`, `data`) as browsers send it, else the origin it came from. */
function blockedOrigin(value: string): string {
  if (!value) return '';
  if (/^[a-z-]+$/.test(value)) return value;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : parsed.protocol.replace(':', '');
  } catch {
    return value.slice(0, 40);
  }
}

/** The page class of a reporting document; the payment form's own origin counts as a payment page. */
function classOf(document: string, paymentOrigin: string | undefined): PageClass {
  try {
    const url = new URL(document);
    return paymentOrigin && url.origin === paymentOrigin ? 'payment' : pageClassOf(url.pathname);
  } catch {
    return 'buyer';
  }
}

function violation(
  fields: { document: unknown; directive: unknown; blocked: unknown; source: unknown; sample: unknown },
  paymentOrigin: string | undefined,
): CspViolation | undefined {
  const directive = text(fields.directive, 100).split(' ')[0] ?? '';
  if (!directive) return undefined;
  return {
    pageClass: classOf(text(fields.document, 2000), paymentOrigin),
    document: place(text(fields.document, 2000)),
    directive,
    blocked: blockedOrigin(text(fields.blocked, 2000)),
    source: place(text(fields.source, 2000)),
    sample: text(fields.sample, 40),
  };
}

/**
 * Both report formats: `application/csp-report` from `report-uri` (`{ "csp-report": {...} }`) and
 * `application/reports+json` from the Reporting API (an array of `{ type: "csp-violation", body }`).
 * Anything else yields nothing.
 */
export function parseCspReports(body: unknown, opts: { paymentOrigin?: string } = {}): CspViolation[] {
  const found: CspViolation[] = [];
  const legacy = (body as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'];
  if (legacy && typeof legacy === 'object') {
    const v = violation(
      {
        document: legacy['document-uri'],
        directive: legacy['effective-directive'] ?? legacy['violated-directive'],
        blocked: legacy['blocked-uri'],
        source: legacy['source-file'],
        sample: legacy['script-sample'],
      },
      opts.paymentOrigin,
    );
    if (v) found.push(v);
  }
  if (Array.isArray(body)) {
    for (const report of body.slice(0, 20)) {
      const r = report as { type?: unknown; body?: Record<string, unknown> } | null;
      if (r?.type !== 'csp-violation' || !r.body || typeof r.body !== 'object') continue;
      const v = violation(
        {
          document: r.body.documentURL,
          directive: r.body.effectiveDirective,
          blocked: r.body.blockedURL,
          source: r.body.sourceFile,
          sample: r.body.sample,
        },
        opts.paymentOrigin,
      );
      if (v) found.push(v);
    }
  }
  return found;
}

/** One row per kind of violation: the same blocked code on the same page is one signature, counted. */
export function signatureOf(v: CspViolation): string {
  return createHash('sha256')
    .update(JSON.stringify([v.pageClass, v.document, v.directive, v.blocked, v.source, v.sample]))
    .digest('base64url');
}

/**
 * Whether a violation is evidence that someone tried to run code on a card or password page: any
 * violation on a payment or account page, except what browser extensions do to every page they
 * touch (their own schemes), which is stored and shown but opens no incident.
 */
export function isScriptCompromiseSign(v: CspViolation): boolean {
  if (v.pageClass !== 'payment' && v.pageClass !== 'account') return false;
  return !/^(chrome|moz|safari|ms-browser)-extension/.test(v.blocked) && !/^(chrome|moz|safari)-extension:/.test(v.source);
}

/**
 * Reports are counted in memory and written once a second, one upsert per signature: a flood of
 * the same report costs one write a second, and a flood of made-up ones at most `maxPerFlush`
 * new rows a second (the rest are counted as dropped).
 */
export function createCspAggregator(write: (batch: { signature: string; violation: CspViolation; count: number }[]) => Promise<void>, maxPerFlush = 200) {
  let pending = new Map<string, { signature: string; violation: CspViolation; count: number }>();
  let dropped = 0;
  let inFlight: Promise<number> = Promise.resolve(0);
  return {
    add(violations: CspViolation[]): void {
      for (const v of violations) {
        const signature = signatureOf(v);
        const known = pending.get(signature);
        if (known) known.count++;
        else if (pending.size < maxPerFlush) pending.set(signature, { signature, violation: v, count: 1 });
        else dropped++;
      }
    },
    /**
     * Writes what is pending. Flushes run one after another, so a flush that finds nothing new
     * still returns only once a write already under way has landed (the operator's list flushes
     * first, and must not read before the timer's batch is in).
     */
    flush(): Promise<number> {
      const run = inFlight.then(async () => {
        if (pending.size === 0) return 0;
        const batch = [...pending.values()];
        pending = new Map();
        await write(batch);
        return batch.length;
      });
      inFlight = run.catch(() => 0);
      return run;
    },
    get dropped() {
      return dropped;
    },
  };
}
export type CspAggregator = ReturnType<typeof createCspAggregator>;
