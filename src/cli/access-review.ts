import { accessReport, type AccessReport, BREAK_GLASS_WINDOW_DAYS } from '../accounts/access-review.service.js';
import { type Config, loadConfig } from '../config.js';
import type { Db } from '../platform/transaction.js';
import { withDatabase } from './with-database.js';

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : 'never');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatAccessReport(report: AccessReport): string[] {
  const s = report.summary;
  const out = [
    `access review ${day(report.generatedAt)} UTC (unused credentials are disabled after ${report.dormantDays} days)`,
    `staff: ${s.staff} (${s.active} active, ${s.invited} invited, ${s.disabled} disabled); active owners: ${s.owners}; active API keys: ${s.apiKeys}; flagged: ${s.flagged}`,
    `warnings: ${report.warnings.join(', ') || 'none'}`,
    '',
    'STAFF',
    ...table(
      ['role', 'status', 'email', 'scope', 'factors', 'last used', 'flags'],
      report.staff.map((m) => [
        m.role,
        m.status,
        m.email,
        m.eventIds
          ? plural(m.eventIds.length, 'event')
          : m.performanceIds
            ? plural(m.performanceIds.length, 'performance')
            : m.refundLimit !== null
              ? `refunds <= ${m.refundLimit}`
              : 'all',
        [m.factors.totp ? 'totp' : '', m.factors.passkeys ? plural(m.factors.passkeys, 'passkey') : '', `${m.factors.recoveryCodesLeft} codes`]
          .filter(Boolean)
          .join(', '),
        day(m.lastUsedAt),
        m.flags.join(', '),
      ]),
    ),
    '',
    'API KEYS',
    ...(report.apiKeys.length === 0
      ? ['none']
      : table(
          ['key', 'name', 'status', 'permissions', 'performances', 'last used', 'expires', 'flags'],
          report.apiKeys.map((k) => [
            k.prefix,
            k.name,
            k.status,
            k.permissions.join(','),
            k.performanceIds.length ? String(k.performanceIds.length) : 'any',
            day(k.lastUsedAt),
            day(k.expiresAt),
            k.flags.join(', '),
          ]),
        )),
    '',
    `BREAK-GLASS TOKEN: ${report.breakGlass.enabled ? 'on' : 'off'}; used ${plural(report.breakGlass.usesLast30Days, 'time')} in the last ${BREAK_GLASS_WINDOW_DAYS} days${report.breakGlass.lastUsedAt ? `, last ${day(report.breakGlass.lastUsedAt)}` : ''}`,
    '',
    'DISABLED AS DORMANT (last 30 days)',
  ];
  const disabled = report.dormantRuns.flatMap((r) =>
    r.disabled.map((d) => `${r.day}  ${d.type === 'staff' ? 'staff' : 'key'}  ${d.name}  last used ${day(d.lastUsedAt)}`),
  );
  out.push(...(disabled.length ? disabled : ['none']));
  return out;
}

export async function runAccessReview(
  db: Db,
  config: Pick<Config, 'staffDormantDays' | 'breakGlass'>,
  options: { json: boolean },
  print: (line: string) => void,
): Promise<AccessReport> {
  const report = await accessReport(db, config);
  if (options.json) print(JSON.stringify(report, null, 2));
  else for (const line of formatAccessReport(report)) print(line);
  return report;
}

/** `taquilla access review [--json]`: the console's access review, on the terminal. */
export async function accessReview(args: string[]): Promise<void> {
  const unknown = args.find((a) => a !== '--json');
  if (unknown) throw new Error(`access review: unknown argument "${unknown}" (usage: access review [--json])`);
  const config = loadConfig();
  await withDatabase(async (db) => {
    await runAccessReview(db, config, { json: args.includes('--json') }, (line) => console.log(line));
  });
}
