import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { preparePostgresUser, UnreachableForPostgres } from './postgres-user.js';

const asRoot = process.getuid?.() === 0;
const skip = !asRoot && 'only root hands the embedded PostgreSQL to the postgres user; as another user it runs as that user';

test('embedded postgres: a private data dir of our own (mktemp -d) is opened for search only; a closed parent is named in one line', { skip }, () => {
  const own = mkdtempSync(join(tmpdir(), 'taquilla-pg-user-'));
  try {
    assert.equal(statSync(own).mode & 0o777, 0o700);
    const changed = preparePostgresUser(join(own, 'postgres'));
    assert.equal(changed.length, 1, changed.join());
    assert.equal(statSync(own).mode & 0o777, 0o701, 'search for others, nothing readable');

    // A parent that is not ours to open (here a 700 directory inside another 700 one, as /root is).
    const closed = join(own, 'closed');
    mkdirSync(join(closed, 'inner'), { recursive: true, mode: 0o700 });
    assert.throws(
      () => preparePostgresUser(join(closed, 'inner', 'data', 'postgres')),
      (error: unknown) => error instanceof UnreachableForPostgres && /TAQUILLA_DATA_DIR/.test(error.message) && !error.message.includes('\n'),
    );
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});
