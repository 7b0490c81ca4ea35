/**
 * How fast the audit chain is sealed and verified: `npx tsx bench/audit-chain/run.ts [--rows N]
 * [--batch N] [--no-write]`. Needs the machine's PostgreSQL on 127.0.0.1:5432 (user postgres,
 * trust); says why and exits 0 without it. Creates `taquilla_bench_audit_<pid>`, drops it at the
 * end. The reference is the same walk of the chain in the same run without hashing: what the
 * database and the driver cost, so the ratio shows what canonical JSON and SHA-256 add.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect } from '../../src/platform/database.js';
import { chainHash, GENESIS_HASH } from '../../src/security/audit-chain.js';
import { sealedAfter, unsealedBatch } from '../../src/security/audit-chain.repository.js';
import { sealAuditLog } from '../../src/security/audit-chain.sealer.js';
import { verifyAuditChain } from '../../src/security/audit-chain.verify.js';
import { machine, postgresVersion } from '../checkout/report.js';
import { adminClient, createDatabase } from '../checkout/setup.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const rows = flag('rows', 100_000);
const batch = flag('batch', 5000);
const write = !args.includes('--no-write');

const loadAtStart = loadavg()[0]!;
const base = 'postgres://postgres@127.0.0.1:5432';
const admin = await adminClient(base);
if (typeof admin === 'string') {
  console.log(`PostgreSQL at 127.0.0.1:5432 is not reachable (${admin}): nothing measured.`);
  process.exit(0);
}
const name = `taquilla_bench_audit_${process.pid}`;
const url = await createDatabase(admin, base, name);
const db = connect(url, 2);

/** Runs `work`, sampling the heap every 20 ms: seconds taken and the peak heap in MiB. */
async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; heapMiB: number }> {
  global.gc?.();
  let peak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const started = process.hrtime.bigint();
  try {
    const result = await work();
    return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9, heapMiB: peak / 2 ** 20 };
  } finally {
    clearInterval(sampler);
  }
}

try {
  // Entries shaped like checkout's (an order paid: ids, amounts, a short list), made by SQL so
  // generating them is not what is measured.
  for (let done = 0; done < rows; done += 50_000) {
    await sql`
      INSERT INTO audit_log (actor, action, subject_type, subject_id, ip, data)
      SELECT CASE WHEN i % 5 = 0 THEN 'system' ELSE 'admin' END, 'sales.order.paid', 'order', gen_random_uuid()::text,
             '198.51.100.' || (i % 250), jsonb_build_object('total', i * 25, 'currency', 'EUR', 'tickets', jsonb_build_array(i, i + 1, i + 2, i + 3),
               'performanceId', gen_random_uuid(), 'buyer', jsonb_build_object('language', 'es', 'storefront', 'web'))
        FROM generate_series(${done + 1}::int, ${Math.min(done + 50_000, rows)}::int) AS i`.execute(db);
  }
  await sql`VACUUM ANALYZE audit_log`.execute(db);

  const hashOnly = await (async () => {
    const sample = await unsealedBatch(db, batch);
    const started = process.hrtime.bigint();
    let prev = GENESIS_HASH;
    for (let n = 0; n < rows; n++) prev = chainHash(prev, sample[n % sample.length]!);
    return rows / (Number(process.hrtime.bigint() - started) / 1e9);
  })();
  const seal = await timed(() => sealAuditLog(db, { batchSize: batch }));
  if (seal.result.sealed !== rows) throw new Error(`sealed ${seal.result.sealed} of ${rows}`);
  await sql`VACUUM ANALYZE audit_log`.execute(db);
  const read = await timed(async () => {
    let n = 0;
    for (let after = 0, page = await sealedAfter(db, 0, batch); page.length > 0; page = await sealedAfter(db, after, batch)) {
      n += page.length;
      after = page[page.length - 1]!.seq;
    }
    return n;
  });
  const verify = await timed(() => verifyAuditChain(db, { batchSize: batch }));
  if (!verify.result.ok || verify.result.checked !== rows) throw new Error(`verify: ${JSON.stringify(verify.result.findings)}`);

  const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
  const date = new Date().toISOString().slice(0, 10);
  const table = [
    `# Audit chain benchmark, ${date}`,
    '',
    'Produced by `npx tsx bench/audit-chain/run.ts` (the file says what it does).',
    '',
    '| setting | value |',
    '|---|---|',
    `| machine | ${machine()} |`,
    `| Node | ${process.version} |`,
    `| PostgreSQL | ${await postgresVersion(admin)} |`,
    `| load average (1 min), start / end | ${loadAtStart.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}${Math.max(loadAtStart, loadavg()[0]!) > 1 ? ' (others shared the machine: this run is understated)' : ''} |`,
    `| rows | ${rows.toLocaleString('en')} entries shaped like checkout's, ${batch} per sealing transaction and per page read |`,
    '',
    '| measure | rows/s | seconds | peak JS heap (MiB) |',
    '|---|---|---|---|',
    `| **seal** (read unsealed, hash, one UPDATE per batch, commit) | **${rate(rows, seal.seconds)}** | ${seal.seconds.toFixed(2)} | ${seal.heapMiB.toFixed(0)} |`,
    `| **verify** (walk in seq order, recompute every hash and link) | **${rate(rows, verify.seconds)}** | ${verify.seconds.toFixed(2)} | ${verify.heapMiB.toFixed(0)} |`,
    `| reference: the same walk without hashing | ${rate(rows, read.seconds)} | ${read.seconds.toFixed(2)} | ${read.heapMiB.toFixed(0)} |`,
    `| canonical JSON + SHA-256 alone, in memory | ${rate(rows, rows / hashOnly)} | ${(rows / hashOnly).toFixed(2)} | |`,
    `| **ratio verify / reference walk** | ${Math.round((read.seconds / verify.seconds) * 100)}% | | |`,
    '',
  ].join('\n');
  console.log(table);
  if (write) writeFileSync(join(import.meta.dirname, '..', 'results', `audit-chain-${date}.md`), table);
} finally {
  await db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
