import type { Config } from '../config.js';
import type { PaymentProvider } from '../payments/provider.js';
import type { Db } from '../platform/transaction.js';
import type { BuildManifest } from './build-manifest.js';
import { registeredManifest } from './builds.repository.js';
import { PAGE_FILES, pageClassOf } from './page-classes.js';
import { ASSET_HEADERS, pageCsp, pageHeaders, type PolicyInput } from './page-policy.js';
import type { ScriptCompromise } from './script-compromise.js';
import { compareHeaders, comparePageCsp } from './tamper-check.csp.js';
import { checkFile, fetchChecked, type RunState, sha384 } from './tamper-check.fetch.js';
import { signsOfTampering } from './tamper-check.findings.js';
import { checkPaymentForm } from './tamper-check.form.js';
import { checkTags } from './tamper-check.html.js';
import { insertTamperCheck, setTamperCheckIncident, type TamperCheckRow } from './tamper-check.repository.js';

/**
 * The tamper check (PCI DSS v4.0 11.6.1): fetches the payment and account pages over HTTP the way
 * a browser does and compares what comes back with what was registered: the headers and policy
 * Taquilla sends for the class, the scripts and stylesheets of the registered build (its manifest
 * in `web_builds`, never a hash of the files on disk, which an intruder could have changed too)
 * and the bytes of each; then the payment provider's card form the same way. Each run is stored;
 * any difference opens (or joins) the `script_compromise` incident, which alerts.
 */
export const TAMPER_CHECK_PAGES = ['/checkout/00000000-0000-4000-8000-000000000000', '/account', '/account/sign-in'] as const;

export interface TamperCheckDeps {
  config: Pick<Config, 'baseUrl' | 'paymentOrigin' | 'tamperCheckUrl'>;
  db: Db;
  payments: PaymentProvider;
  scriptCompromise: ScriptCompromise;
  /** The build this process serves; the run is filed under it. */
  buildId: string;
}

export interface TamperCheckResult extends TamperCheckRow {
  durationMs: number;
}

async function checkPage(deps: TamperCheckDeps, state: RunState, path: string, manifestOf: (id: string) => Promise<BuildManifest | undefined>) {
  const pageClass = pageClassOf(path);
  const url = new URL(path, deps.config.tamperCheckUrl);
  const page = await fetchChecked(state, url.href, path, 'document', { pageClass });
  if (!page) return [];
  const html = page.bytes.toString('utf8');
  const policy: PolicyInput = { baseUrl: deps.config.baseUrl, paymentOrigin: deps.config.paymentOrigin, widgetOrigins: [] };
  compareHeaders(page.headers, pageHeaders(pageClass, policy), page.found);
  const nonce = comparePageCsp(page.headers.get('content-security-policy'), (n) => pageCsp(pageClass, n, policy), page.found);

  // The build the page names is the reference: during a rolling deploy two registered builds are both genuine.
  const buildId = /<meta\s+name="taquilla-build"\s+content="([^"]*)"/.exec(html)?.[1];
  const manifest = buildId ? await manifestOf(buildId) : undefined;
  const built = manifest?.pages[PAGE_FILES[pageClass]];
  if (!built) page.found('unknown_build', `a registered build with ${PAGE_FILES[pageClass]}`, buildId ?? '(no taquilla-build meta)');
  const allowed = built && {
    scripts: new Map(built.scripts.map((s) => [s.path, s.sha384])),
    styles: new Map(built.styles.map((s) => [s.path, s.sha384])),
  };
  const tags = checkTags(html, url, nonce, allowed, true, page.found);
  if (tags.pageClass !== pageClass) page.found('page_class', pageClass, tags.pageClass ?? '(none)');
  page.record.buildId = buildId;
  page.record.sha384 = sha384(nonce ? html.split(nonce).join('NONCE') : html);

  // Every file the page names, and every file its build may load later even if the page no longer names it.
  const expected = (p: string) => manifest?.assets[p]?.sha384 ?? allowed?.scripts.get(p) ?? allowed?.styles.get(p);
  return [
    ...[...new Set([...tags.scripts, ...(allowed?.scripts.keys() ?? [])])].map((p) => ({ path: p, kind: 'script' as const, sha384: expected(p) })),
    ...[...new Set([...tags.styles, ...(allowed?.styles.keys() ?? [])])].map((p) => ({ path: p, kind: 'style' as const, sha384: expected(p) })),
  ];
}

/** Runs the check once, stores it, and signs the script_compromise incident when something differs. */
export async function runTamperCheck(deps: TamperCheckDeps): Promise<TamperCheckResult> {
  const startedAt = new Date();
  const state: RunState = { findings: [], fetched: [] };
  const manifests = new Map<string, Promise<BuildManifest | undefined>>();
  const manifestOf = (id: string) => {
    if (!manifests.has(id)) manifests.set(id, registeredManifest(deps.db, id));
    return manifests.get(id)!;
  };

  const [files] = await Promise.all([
    Promise.all(TAMPER_CHECK_PAGES.map((path) => checkPage(deps, state, path, manifestOf))).then((lists) => lists.flat()),
    checkPaymentForm(deps, state),
  ]);
  // index.html serves both classes: each file once, six at a time like a browser's connections.
  const unique = [...new Map(files.map((f) => [f.path, f])).values()];
  const queue = [...unique];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift())
        await checkFile(state, new URL(f.path, deps.config.tamperCheckUrl), f.path, f.kind, f.sha384, ASSET_HEADERS);
    }),
  );

  const { findings, fetched } = state;
  const { id, finishedAt } = await insertTamperCheck(deps.db, { buildId: deps.buildId, startedAt, ok: findings.length === 0, pages: fetched, findings });
  // A page that did not answer says the site is down or the network is, which the health checks
  // and the shield's incidents are for; it is no sign that code was changed. Calling it a
  // compromise would page people at every outage and deploy, and teach them to ignore the one
  // incident that must never be ignored. The run is still stored as not ok, for all to see.
  const signs = signsOfTampering(findings);
  let incidentId: string | null = null;
  if (signs.length) {
    const named = signs.slice(0, 3).map((f) => `${f.kind} on ${f.page}`);
    const summary = `Tamper check: what browsers receive differs from the registered build (${signs.length}: ${named.join(', ')}${signs.length > 3 ? ', ...' : ''})`;
    incidentId = (await deps.scriptCompromise.sign('tamper_check', summary, { checkId: id, findings: signs })) ?? null;
    if (incidentId) await setTamperCheckIncident(deps.db, id, incidentId);
  }
  return {
    id,
    buildId: deps.buildId,
    startedAt,
    finishedAt,
    ok: findings.length === 0,
    pages: fetched,
    findings,
    incidentId,
    durationMs: Date.now() - startedAt.getTime(),
  };
}
