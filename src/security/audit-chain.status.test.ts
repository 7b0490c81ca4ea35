import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { databaseAvailable, skipReason, testDatabase, type TestDatabase } from '../../tests/helpers/database.js';
import { asAttacker, seedChain } from './audit-chain.fixtures.js';
import { createChainStatus } from './audit-chain.status.js';

describe('audit chain: status for the console', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestDatabase;
  before(async () => {
    t = await testDatabase(4);
    await seedChain(t.db, 10, 10);
  });
  after(async () => {
    await t?.drop();
  });

  /** Calls until a background refresh has replaced the result the first call got. */
  const refreshed = async (status: ReturnType<typeof createChainStatus>) => {
    const first = (await status.get()).verified.at;
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      const now = await status.get();
      if (now.verified.at !== first) return now;
    }
    throw new Error('no refresh');
  };

  test('audit chain: the status walks the whole chain once, then only new rows, then the whole chain again', async () => {
    const status = createChainStatus(t.db, { maxAgeMs: 0, fullEveryMs: 60_000 });
    const first = await status.get();
    assert.deepEqual([first.verified.ok, first.verified.checked, first.head?.seq], [true, 10, 10]);

    await seedChain(t.db, 5, 5);
    const grown = await refreshed(status);
    assert.deepEqual([grown.verified.ok, grown.verified.checked], [true, 15]);
    assert.equal(grown.verified.fullAt, first.verified.fullAt, 'only the new rows were walked');

    // A row before the last one verified, changed without touching any hash: only a whole walk sees it.
    await asAttacker(t.db, async (tx) => {
      await sql`UPDATE audit_log SET actor = 'nobody' WHERE seq = 3`.execute(tx);
    });
    assert.equal((await refreshed(status)).verified.ok, true);
    const whole = await refreshed(createChainStatus(t.db, { maxAgeMs: 0, fullEveryMs: 0 }));
    assert.equal(whole.verified.ok, false);
    assert.equal(whole.verified.firstProblem?.kind, 'altered');
    assert.equal(whole.verified.firstProblem?.seq, 3);
    assert.equal(whole.verified.checked, 2);
  });
});
