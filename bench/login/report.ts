import type { AttackResult } from './attack.js';
import type { UsersResult } from './users.js';

/** What run.ts measured, and how the markdown is laid out. */
export interface Verifications {
  /** argon2 verifications made for the attacker's attempts (audit entries from its addresses). */
  attacker: number;
  users: number;
  /** Every verification audited inside the window, whoever made it. */
  window: number;
  /** Audit entries in the window, by action (and factor for failures). */
  actions: Record<string, number>;
}

export interface LoginReport {
  date: string;
  command: string;
  machine: string;
  node: string;
  postgres: string;
  settings: [string, string][];
  /** Pairs in the list that are the account's real password. */
  leakedPairs: number;
  attack: AttackResult;
  users: UsersResult;
  verifications: Verifications;
  /** Takeovers SQL sees: signed-in sessions and `signed_in` audit entries from the attacker's addresses. */
  sqlTakeovers: { sessions: number; audited: number };
  argon2: { verifications: number; cpuMsPerVerify: number; wallMsPerVerify: number };
  /** Server CPU over the window, seconds, and the window, seconds. */
  serverCpuSeconds: number;
  windowSeconds: number;
  cores: { generators: number; postgres: number; rest: number };
  notes: string[];
}

const int = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const pct = (n: number, d: number) => (d > 0 ? `${((n * 100) / d).toFixed(n * 100 < d ? 2 : 1)}%` : '—');
const sec = (n: number) => `${n.toFixed(2)} s`;
const list = (r: Record<string, number>) => {
  const entries = Object.entries(r).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([k, n]) => `${int(n)}× \`${k}\``).join('; ') : 'none';
};
/** The shield's and the login throttle's refusals: answered before the handler, so before any hashing. */
export const refusedBefore = (r: Record<string, number>) =>
  Object.entries(r)
    .filter(([k]) => k.startsWith('429 ') || k === '401 challenge_required' || k === '503 overloaded')
    .reduce((s, [, n]) => s + n, 0);

export function takeovers(r: LoginReport): number {
  return r.attack.takeovers.length + r.sqlTakeovers.sessions + r.sqlTakeovers.audited;
}

export function renderReport(r: LoginReport): string {
  const a = r.attack;
  const u = r.users;
  const v = r.verifications;
  const refused = refusedBefore(a.password);
  const argonCpu = (v.window * r.argon2.cpuMsPerVerify) / 1000;
  const everyAttempt = (a.sent * r.argon2.cpuMsPerVerify) / 1000;
  const lost = takeovers(r);
  const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  return [
    `# Login bench: credential stuffing, ${r.date}`,
    '',
    `Produced by \`${r.command}\` (see \`bench/README.md\`).`,
    '',
    '| setting | value |',
    '|---|---|',
    `| date | ${r.date} |`,
    `| machine | ${r.machine} |`,
    `| Node | ${r.node} |`,
    `| PostgreSQL | ${r.postgres} |`,
    ...r.settings.map(([k, val]) => `| ${k} | ${val} |`),
    '',
    '| measure | value |',
    '|---|---|',
    `| attempts sent (password step) | ${int(a.sent)} of ${int(a.listed)} listed${a.unsent ? ` (${int(a.unsent)} not sent: time cap)` : ''}, in ${sec(a.seconds)} |`,
    `| refused before hashing (429; 401 challenge_required and 503 in shield mode) | ${int(refused)} (${pct(refused, a.sent)}) |`,
    `| password step answers | ${list(a.password)} |`,
    `| **argon2 verifications for the attacker** (audit log) | **${int(v.attacker)}** |`,
    `| **verifications per attempt** | **${(a.sent ? v.attacker / a.sent : 0).toFixed(3)}** |`,
    `| right passwords in the list / answered without a 429 | ${int(r.leakedPairs)} / ${int(a.realPairsSent)} |`,
    `| passwords confirmed by the attacker (second-factor step reached) | ${int(a.confirmed)} (${int(a.confirmedAccounts)} account${a.confirmedAccounts === 1 ? '' : 's'}) |`,
    `| second-factor answers to made-up codes | ${list(a.secondFactor)} |`,
    `| probes with the cookie it was given | ${list(a.probes)} |`,
    `| **takeovers** (attacker: ${a.takeovers.length}; SQL: ${r.sqlTakeovers.sessions} signed-in sessions, ${r.sqlTakeovers.audited} \`signed_in\` entries from its addresses) | **${lost}** ${lost === 0 ? '(goal: 0, **met**)' : '(goal: 0, **NOT MET**)'} |`,
    `| real users signed in during the attack | **${u.attack.ok} of ${u.attack.tried}** (${pct(u.attack.ok, u.attack.tried)}; of those whose password leaked: ${u.attack.okLeaked} of ${u.attack.leaked}) |`,
    `| real users' full sign-in p50 / p99 / max (ms) | ${u.attack.latency.count ? `**${ms(u.attack.latency.p50)} / ${ms(u.attack.latency.p99)}** / ${ms(u.attack.latency.max)}` : '—'} |`,
    `| real users' failures | ${list(u.attack.failed)} |`,
    `| real users' 429s (Retry-After honoured ${u.attack.retryAfterWaits}×, ${u.attack.waitedSeconds.toFixed(0)} s waited) | ${list(u.attack.refusals)} |`,
    `| real users' proofs of work (shield mode) | ${u.attack.proofs} solved, ${u.attack.proofSeconds.toFixed(1)} s solving in all |`,
    `| real users' sign-in before the attack | ${u.baseline.ok} of ${u.baseline.ok + Object.values(u.baseline.failed).reduce((s, n) => s + n, 0)} in ${sec(u.baseline.seconds)}; ${u.baseline.deviceCookies} browsers hold a \`tq_device\` cookie${Object.keys(u.baseline.failed).length ? `; failed: ${list(u.baseline.failed)}` : ''} |`,
    `| real users' verifications during the attack | ${int(v.users)} |`,
    `| server CPU over the window | ${sec(r.serverCpuSeconds)} in ${sec(r.windowSeconds)} (${(r.serverCpuSeconds / r.windowSeconds).toFixed(2)} core) |`,
    `| one argon2 verification | ${r.argon2.cpuMsPerVerify.toFixed(1)} ms CPU (${r.argon2.wallMsPerVerify.toFixed(1)} ms wall), mean of ${r.argon2.verifications} |`,
    `| **CPU spent on argon2** (all ${int(v.window)} verifications in the window × one verification) | **${sec(argonCpu)} = ${pct(argonCpu, r.serverCpuSeconds)} of the server's CPU** |`,
    `| reference: every attempt hashed (${int(a.sent)} × one verification) | ${sec(everyAttempt)} of CPU, ${(everyAttempt / r.windowSeconds).toFixed(2)} core over the window (${(everyAttempt / Math.max(argonCpu, 1e-9)).toFixed(0)}× what was spent) |`,
    `| other CPU (cores over the window) | generators ${r.cores.generators.toFixed(2)}, PostgreSQL ${r.cores.postgres.toFixed(2)}, rest of machine ${r.cores.rest.toFixed(2)} |`,
    '',
    `Audit entries in the window, by action: ${list(v.actions)}.`,
    '',
    'How the figures are made:',
    '',
    "- **verifications** are counted in the audit log after the run: every argon2 verification the server makes for a password is audited, `accounts.staff.sign_in_failed` (`factor: password`) or `accounts.staff.password_verified`, with the client address; the attacker's are those from 127.1.0.0/16.",
    "- **refused before hashing** is every refusal the attacker's password step got: 429 (the shield's `rate_limited`, the login throttle's `too_many_attempts`), and in shield mode 401 `challenge_required` (the attacker solves no proof of work) and 503 `overloaded`. All are answered before `verifyPassword` runs. That the two add up is checked: attempts = refusals + verifications + other answers.",
    "- **CPU spent on argon2** is an estimate: the window's verifications times the CPU of one verification measured in this run by `bench/login/argon2-cost.ts`, a separate process pinned to the server's core while the server was idle (process CPU time, which includes argon2's threads). **Server CPU** is utime + stime of the server process from `/proc/<pid>/stat`, from the attack's start to the end of both generators.",
    "- **takeovers**: any attacker request that ends signed in: the second-factor step answering `signed_in` (or the password step answering `signed_in`/`enrol`), `GET /api/auth/staff/me` answering `signed_in` with its cookie, or `/api/admin/staff` answering 2xx or 403 `forbidden`; and, from SQL, sessions in state `signed_in` or `accounts.staff.signed_in` entries from the attacker's addresses. The bench exits 1 if there is any.",
    ...r.notes.map((n, i) => `${i === 0 ? '\nNotes:\n\n' : ''}- ${n}`),
    '',
  ].join('\n');
}
