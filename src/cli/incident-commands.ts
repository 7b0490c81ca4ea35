import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type Config, loadConfig } from '../config.js';
import { audit } from '../platform/audit.js';
import type { IncidentStep } from '../platform/database.types.js';
import { notFound } from '../platform/errors.js';
import type { Db } from '../platform/transaction.js';
import { dryRunStep, listStepRuns, runStep, type StepProgress } from '../security/incident-response.js';
import { completeScope, createScope, scopeCsv, type ScopeCriteria } from '../security/incident-scopes.js';
import { getScope, listScopes } from '../security/incident-scopes.repository.js';
import { getIncident, listIncidents } from '../security/incidents.repository.js';
import { cliActor, refusalsAsExitCode } from './access-actor.js';
import { withDatabase } from './with-database.js';

const USAGE = `usage: taquilla incident list
  | show ID
  | scope ID [--from ISO] [--to ISO] [--build ID]... [--script-hash SHA384]... [--performance ID]... [--event ID]... [--storefront S]... [--page-class C]...
  | notify ID --scope SCOPE [--dry-run] | reset ID --scope SCOPE [--dry-run] | flag ID --scope SCOPE [--dry-run] | revoke-staff ID [--dry-run]
  | export ID --scope SCOPE [--out FILE]`;

export type IncidentCommand =
  | { action: 'list' }
  | { action: 'show'; id: string }
  | { action: 'scope'; id: string; criteria: ScopeCriteria }
  | { action: 'step'; id: string; step: IncidentStep; scopeId?: string; dryRun: boolean }
  | { action: 'export'; id: string; scopeId: string; out?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_CLASSES = ['payment', 'account', 'buyer', 'queue', 'operator'];
const STEPS: Record<string, IncidentStep> = { notify: 'notify', reset: 'reset', flag: 'flag', 'revoke-staff': 'revoke_staff' };

const refuse = (message: string): never => {
  throw new Error(`incident: ${message} (${USAGE})`);
};
const uuid = (value: string | undefined, what: string): string => (value && UUID.test(value) ? value : refuse(`${what} must be an id, not "${value ?? ''}"`));

/** `--name value` and `--name=value` pairs, each option allowed where `repeatable` says. */
function options(args: string[], allowed: Record<string, 'one' | 'many' | 'flag'>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const kind = allowed[name];
    if (!kind) refuse(`unknown argument "${args[i]}"`);
    const values = found.get(name) ?? [];
    if (kind === 'flag') values.push('');
    else {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') refuse(`${name} needs a value`);
      values.push(value!);
    }
    if (values.length > 1 && kind !== 'many') refuse(`${name} given twice`);
    found.set(name, values);
  }
  return found;
}

export function parseIncidentArgs(args: string[]): IncidentCommand {
  const [action, id, ...rest] = args;
  if (action === 'list') {
    if (args.length > 1) refuse(`list takes no arguments`);
    return { action };
  }
  if (action === 'show') {
    if (rest.length) refuse(`show takes only the incident's id`);
    return { action, id: uuid(id, 'the incident') };
  }
  if (action === 'scope') {
    const o = options(rest, {
      '--from': 'one',
      '--to': 'one',
      '--build': 'many',
      '--script-hash': 'many',
      '--performance': 'many',
      '--event': 'many',
      '--storefront': 'many',
      '--page-class': 'many',
    });
    const time = (name: string) => {
      const value = o.get(name)?.[0];
      if (value !== undefined && Number.isNaN(Date.parse(value))) refuse(`${name} must be an ISO date and time, not "${value}"`);
      return value === undefined ? undefined : new Date(value).toISOString();
    };
    const criteria: ScopeCriteria = {
      from: time('--from'),
      to: time('--to'),
      buildIds: o.get('--build'),
      scriptHashes: o.get('--script-hash'),
      performanceIds: o.get('--performance')?.map((p) => uuid(p, '--performance')),
      eventIds: o.get('--event')?.map((e) => uuid(e, '--event')),
      storefronts: o.get('--storefront'),
      pageClasses: o.get('--page-class')?.map((c) => (PAGE_CLASSES.includes(c) ? c : refuse(`--page-class is one of ${PAGE_CLASSES.join(', ')}, not "${c}"`))),
    };
    if (criteria.from && criteria.to && criteria.from >= criteria.to) refuse('--from must be before --to');
    return { action, id: uuid(id, 'the incident'), criteria: Object.fromEntries(Object.entries(criteria).filter(([, v]) => v !== undefined)) };
  }
  if (action === 'export') {
    const o = options(rest, { '--scope': 'one', '--out': 'one' });
    return { action, id: uuid(id, 'the incident'), scopeId: uuid(o.get('--scope')?.[0], '--scope'), out: o.get('--out')?.[0] };
  }
  const step = action ? STEPS[action] : undefined;
  if (!step) return refuse(`unknown command "${action ?? ''}"`);
  const o = options(rest, step === 'revoke_staff' ? { '--dry-run': 'flag' } : { '--scope': 'one', '--dry-run': 'flag' });
  return {
    action: 'step',
    id: uuid(id, 'the incident'),
    step,
    scopeId: step === 'revoke_staff' ? undefined : uuid(o.get('--scope')?.[0], '--scope'),
    dryRun: o.has('--dry-run'),
  };
}

const at = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
const table = (rows: string[][]) => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((cells) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
};
const progressLine = (step: string, p: Pick<StepProgress, 'done' | 'failed' | 'left' | 'rate' | 'total'>) =>
  `${step}: ${p.done}/${p.total} done, ${p.failed} failed, ${p.left} left, ${p.rate}/s`;

async function show(db: Db, id: string, print: (line: string) => void): Promise<void> {
  const incident = await getIncident(db, id);
  if (!incident) throw notFound('incident', id);
  const hoursLeft = (Date.parse(incident.regulatorDeadline) - Date.now()) / 3600_000;
  print(`incident ${incident.id}: ${incident.title}`);
  print(`  ${incident.category} (${incident.kind}), severity ${incident.severity}, ${incident.status}, owner ${incident.owner ?? '-'}`);
  print(
    `  aware ${at(incident.awareAt)} UTC; regulator notice due ${at(incident.regulatorDeadline)} UTC (${hoursLeft >= 0 ? `${Math.floor(hoursLeft)} h left` : 'overdue'})`,
  );
  print('timeline:');
  for (const e of incident.timeline) print(`  ${at(e.at)}  ${e.what}  ${JSON.stringify(e.details)}`);
  print('scopes:');
  for (const s of await listScopes(db, id)) {
    const share = s.all_people ? ((100 * s.people) / s.all_people).toFixed(1) : '0.0';
    print(`  ${s.id}  ${s.people} people (${share}%), ${s.checkout_attempts} checkout attempts  ${JSON.stringify(s.criteria)}`);
  }
  print('steps:');
  for (const r of await listStepRuns(db, id))
    print(`  ${r.id}  ${r.status}${r.stalled ? ' (stalled)' : ''}  ${progressLine(r.step, r)}  started ${at(r.startedAt)} by ${r.startedBy}`);
}

/** Runs one `incident` command; `print` gets stdout's lines. */
export async function runIncident(db: Db, config: Config, command: IncidentCommand, print: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const actor = cliActor();
  if (command.action === 'list') {
    const incidents = await listIncidents(db, 100);
    if (!incidents.length) return print('no incidents');
    const rows = incidents.map((i) => [i.id, i.status, i.category, i.severity, at(i.awareAt), i.title]);
    for (const line of table([['id', 'status', 'category', 'severity', 'aware (UTC)', 'title'], ...rows])) print(line);
    return;
  }
  if (command.action === 'show') return show(db, command.id, print);
  if (command.action === 'scope') {
    const s = await createScope(db, { incidentId: command.id, criteria: command.criteria, actor });
    // The count comes first; a command ends when the list of people is written too.
    await completeScope(db, s.id);
    print(
      `scope ${s.id}: ${s.people} people (${(100 * s.shareOfCustomers).toFixed(1)}% of ${s.allPeople} customers), ${s.checkoutAttempts} checkout attempts, in ${s.queryMs} ms`,
    );
    return;
  }
  if (command.action === 'export') return exportScope(db, command, actor, print);

  const input = { incidentId: command.id, scopeId: command.scopeId, step: command.step, actor };
  const name = command.step.replace('_', '-');
  if (command.dryRun) {
    const dry = await dryRunStep(db, input);
    const extra = dry.accounts !== undefined ? `, ${dry.accounts} with an account` : dry.apiKeys !== undefined ? `; ${dry.apiKeys} API keys not revoked` : '';
    print(`${name} --dry-run: ${dry.count} people to handle${extra} (${dry.alreadyDone} of ${dry.total} done before); nothing was changed`);
    for (const p of dry.sample) print(`  ${p.email}${p.locale ? `  ${p.locale}` : ''}`);
    return;
  }
  let printed = 0;
  const run = await runStep(
    {
      db,
      config,
      signal,
      onProgress(p) {
        // The first page at once, then a line a second.
        if (printed && Date.now() - printed < 1000) return;
        printed = Date.now();
        print(progressLine(name, p));
      },
    },
    input,
  );
  if ('dryRun' in run) return;
  print(`${name} ${run.status}: ${run.done}/${run.total} done, ${run.failed} failed, ${Math.max(0, run.total - run.done - run.failed)} left (run ${run.id})`);
}

async function exportScope(db: Db, command: Extract<IncidentCommand, { action: 'export' }>, actor: string, print: (line: string) => void): Promise<void> {
  const scope = await getScope(db, command.id, command.scopeId);
  if (!scope) throw notFound('scope', command.scopeId);
  await audit(db, {
    actor,
    action: 'security.incident.people_exported',
    subjectType: 'incident',
    subjectId: command.id,
    data: { scopeId: scope.id, people: scope.people, to: command.out ? 'file' : 'stdout' },
  });
  const out = command.out ? createWriteStream(command.out, { mode: 0o600 }) : process.stdout;
  await completeScope(db, scope.id);
  for await (const chunk of scopeCsv(db, scope.id)) if (!out.write(chunk)) await once(out, 'drain');
  if (command.out) {
    out.end();
    await once(out, 'finish');
    print(`exported ${scope.people} people to ${command.out}`);
  }
}

/**
 * `taquilla incident list | show | scope | notify | reset | flag | revoke-staff | export`: the
 * incident response from the host, audited as the operator. A step prints its progress while it
 * runs; Ctrl-C stops it between two pages, and running it again resumes where it stopped.
 */
export async function incident(args: string[]): Promise<void> {
  const command = parseIncidentArgs(args);
  const config = loadConfig();
  const stop = new AbortController();
  if (command.action === 'step' && !command.dryRun)
    process.once('SIGINT', () => {
      console.error('stopping after this page: run the same command again to resume');
      stop.abort();
    });
  await withDatabase(async (db) => {
    // With `export` to stdout, stdout is the CSV: lines about it go to stderr.
    const print = command.action === 'export' && !command.out ? (line: string) => console.error(line) : (line: string) => console.log(line);
    await refusalsAsExitCode(() => runIncident(db, config, command, print, stop.signal));
  });
}
