import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createTestPaymentProvider } from '../payments/test-provider/test-provider.js';
import { computeBuildId } from '../platform/build-info.js';
import { type Alert, createAlerts } from '../security/alerts.js';
import { createScriptCompromise } from '../security/script-compromise.js';
import { runTamperCheck, type TamperCheckResult } from '../security/tamper-check.js';
import { withDatabase } from './with-database.js';

const USAGE = 'usage: taquilla integrity check [--json]';

export function formatTamperCheck(result: TamperCheckResult, url: string): string[] {
  const head = `tamper check ${result.id} of ${url} (build ${result.buildId}): ${result.pages.length} pages and files in ${result.durationMs} ms`;
  if (result.ok) return [`${head}: everything matches the registered build`];
  const couldNotLook = result.findings.every((f) => f.kind === 'unreachable');
  const verdict = couldNotLook
    ? `could not look at ${result.findings.length} page(s) or file(s): no answer`
    : `${result.findings.length} finding(s)${result.incidentId ? `, script_compromise incident ${result.incidentId}` : ''}`;
  const lines = [`${head}: ${verdict}`];
  for (const f of result.findings) lines.push(`  ${f.kind}  ${f.page}`, `    expected  ${f.expected}`, `    actual    ${f.actual}`);
  return lines;
}

/**
 * `taquilla integrity check`: one tamper check against TAMPER_CHECK_URL, stored and alerted like
 * the server's own runs; prints the findings and exits 1 when there are any.
 */
export async function integrity(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action !== 'check') throw new Error(`integrity takes check, not "${action ?? ''}" (${USAGE})`);
  const unknown = rest.find((a) => a !== '--json');
  if (unknown) throw new Error(`integrity check: unknown argument "${unknown}" (${USAGE})`);
  const config = loadConfig();
  await withDatabase(async (db) => {
    const log = (message: string, error?: unknown) => console.error(message, error ?? '');
    const alerts = createAlerts({ db, webhookUrl: config.alertWebhookUrl, emails: config.alertEmails, baseUrl: config.baseUrl, log });
    // The incident's alert is sent in the background; this process must wait for it before it closes the database.
    const sending: Promise<void>[] = [];
    const tracked = {
      send(alert: Alert) {
        const sent = alerts.send(alert);
        sending.push(sent);
        return sent;
      },
    };
    const result = await runTamperCheck({
      config,
      db,
      payments: createTestPaymentProvider({ secret: config.secret, paymentOrigin: config.paymentOrigin }),
      scriptCompromise: createScriptCompromise({ db, alerts: tracked, log }),
      buildId: computeBuildId(join(process.cwd(), 'web', 'dist')),
    });
    await Promise.all(sending);
    if (rest.includes('--json')) console.log(JSON.stringify(result, null, 2));
    else for (const line of formatTamperCheck(result, config.tamperCheckUrl)) console.log(line);
    if (!result.ok) process.exitCode = 1;
  });
}
