/**
 * Runs the test suite against a PostgreSQL server: by default a throwaway embedded one (so
 * `npm test` needs nothing installed); with `--external <url>` an existing server such as the
 * machine's PostgreSQL 15. Migrates one template database; each test file clones its own from it
 * (CREATE DATABASE ... TEMPLATE is a file copy, far cheaper than migrating again).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from '../src/platform/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/embedded-postgres.js';
import { temporaryDirForPostgres, UnreachableForPostgres } from '../src/platform/postgres-user.js';
import { migrateToLatest } from '../src/platform/migrate.js';
import { freePort } from '../tests/helpers/net.js';

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

async function adminQuery(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

const args = process.argv.slice(2);
const externalAt = args.indexOf('--external');
const externalUrl = externalAt >= 0 ? args[externalAt + 1] : undefined;
const filters = externalAt < 0 ? args : args.filter((_, i) => i !== externalAt && i !== externalAt + 1);
const prefix = `taquilla_t${process.pid}`;

let embedded: EmbeddedServer | undefined;
let adminUrl: string;
let label: string;
if (externalUrl) {
  try {
    await adminQuery(externalUrl, 'SELECT 1');
  } catch (error) {
    console.log(
      `# SKIP: PostgreSQL at ${externalUrl.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(error as Error).message}); the database tests ran on the embedded PostgreSQL only.`,
    );
    process.exit(0);
  }
  adminUrl = externalUrl;
  label = 'external PostgreSQL';
} else {
  const dir = mkdtempSync(join(temporaryDirForPostgres(), 'taquilla-test-pg-'));
  const { chmodSync } = await import('node:fs');
  chmodSync(dir, 0o777);
  embedded = await startEmbeddedPostgres({ dir: join(dir, 'data'), port: await freePort(), password: 'test', fast: true }).catch((error: unknown) => {
    if (!(error instanceof UnreachableForPostgres)) throw error;
    console.error(error.message);
    process.exit(1);
  });
  adminUrl = embedded.url('postgres');
  label = 'embedded PostgreSQL';
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}

const version = (await adminQuery(adminUrl, 'SHOW server_version')).rows[0].server_version;
const template = `${prefix}_template`;
await adminQuery(adminUrl, `CREATE DATABASE ${template}`);
const templateUrl = new URL(adminUrl);
templateUrl.pathname = `/${template}`;
const db = connect(templateUrl.toString(), 1);
await migrateToLatest(db);
await db.destroy();
console.log(`# database tests run on ${label} ${version}`);

const files = findTests('src')
  .concat(findTests('tests'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', TAQUILLA_TEST_ADMIN_URL: adminUrl, TAQUILLA_TEST_TEMPLATE: template, TAQUILLA_TEST_PREFIX: prefix },
});
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));

const leftovers = await adminQuery(adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`);
for (const row of leftovers.rows) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
await embedded?.stop();
process.exit(code);
