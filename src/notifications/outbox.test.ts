import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseAvailable, skipReason, testDatabase } from '../../tests/helpers/database.js';
import type { Db } from '../platform/transaction.js';
import { MailerUnavailableError } from './mailer.js';
import { confirmation, fakeMailer, insertOrder } from './outbox.fixtures.js';
import { MAX_ATTEMPTS } from './outbox.repository.js';
import { deliverOutbox, enqueueOrderConfirmation } from './outbox.service.js';
import { startOutboxWorker } from './outbox.worker.js';

const skip = !databaseAvailable && skipReason;

async function withDb(work: (db: Db, orderId: string) => Promise<void>): Promise<void> {
  const database = await testDatabase(10);
  try {
    await work(database.db, await insertOrder(database.db));
  } finally {
    await database.drop();
  }
}

const row = (db: Db, id: string) => db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

test('outbox: without SMTP a delivered confirmation is kept for the operator', { skip }, () =>
  withDb(async (db, orderId) => {
    const id = await db.transaction().execute((tx) => enqueueOrderConfirmation(tx, confirmation(orderId)));
    const message = await row(db, id);
    assert.equal(message.status, 'queued');
    assert.equal(message.kind, 'order_confirmation');
    assert.equal(message.order_id, orderId);
    assert.equal(message.locale, 'es');
    assert.equal(message.subject, 'Pedido confirmado: Rosalía');

    const result = await deliverOutbox(db, undefined);
    assert.deepEqual({ claimed: result.claimed, kept: result.kept, sent: result.sent }, { claimed: 1, kept: 1, sent: 0 });
    assert.equal((await row(db, id)).status, 'kept');
    assert.equal((await deliverOutbox(db, undefined)).claimed, 0);
  }),
);

test('outbox: a confirmation enqueued in a rolled-back order transaction is never sent', { skip }, () =>
  withDb(async (db, orderId) => {
    await assert.rejects(
      db.transaction().execute(async (tx) => {
        await enqueueOrderConfirmation(tx, confirmation(orderId));
        throw new Error('payment declined');
      }),
    );
    const count = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 0);
  }),
);

test('outbox: with a mailer the confirmation is sent to the buyer and marked sent', { skip }, () =>
  withDb(async (db, orderId) => {
    const id = await enqueueOrderConfirmation(db, confirmation(orderId, { locale: 'nb' }));
    const mailer = fakeMailer();
    const result = await deliverOutbox(db, mailer);
    assert.equal(result.sent, 1);
    assert.equal(mailer.sent.length, 1);
    assert.equal(mailer.sent[0]!.to, 'ana@example.com');
    assert.equal(mailer.sent[0]!.subject, 'Bestillingen er bekreftet: Rosalía');
    assert.match(mailer.sent[0]!.html, /Se billettene dine/);
    const message = await row(db, id);
    assert.equal(message.status, 'sent');
    assert.equal(message.attempts, 1);
    assert.ok(message.sent_at instanceof Date);
  }),
);

test(`outbox: a refused message is retried and set aside as failed after ${MAX_ATTEMPTS} attempts`, { skip }, () =>
  withDb(async (db, orderId) => {
    const bad = await enqueueOrderConfirmation(db, confirmation(orderId, { buyerEmail: 'nobody@invalid.example' }));
    const good = await enqueueOrderConfirmation(db, confirmation(orderId));
    const refused = Object.assign(new Error('550 5.1.1 <nobody@invalid.example>: Recipient address rejected'), { code: 'EENVELOPE' });
    const mailer = fakeMailer({ fail: (message) => (message.to === 'nobody@invalid.example' ? refused : undefined) });

    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const result = await deliverOutbox(db, mailer);
      assert.deepEqual(result.errors, [{ id: bad, reason: 'EENVELOPE' }], 'the reason is a code, never the address');
      const message = await row(db, bad);
      assert.equal(message.attempts, attempt);
      assert.equal(message.status, attempt < MAX_ATTEMPTS ? 'queued' : 'failed');
      assert.match(message.last_error ?? '', /Recipient address rejected/);
    }
    assert.equal((await row(db, good)).status, 'sent');
    assert.equal((await deliverOutbox(db, mailer)).claimed, 0);
  }),
);

test('outbox: an unreachable mail server counts against no message', { skip }, () =>
  withDb(async (db, orderId) => {
    const ids = [await enqueueOrderConfirmation(db, confirmation(orderId)), await enqueueOrderConfirmation(db, confirmation(orderId))];
    const down = fakeMailer({ fail: () => new MailerUnavailableError('ECONNECTION') });
    for (let run = 0; run < MAX_ATTEMPTS + 2; run += 1) {
      const result = await deliverOutbox(db, down);
      assert.equal(result.unavailable, 'ECONNECTION');
    }
    for (const id of ids) assert.deepEqual([(await row(db, id)).status, (await row(db, id)).attempts], ['queued', 0]);
    assert.equal((await deliverOutbox(db, fakeMailer())).sent, 2);
  }),
);

test('outbox: concurrent deliveries never send the same message twice', { skip }, () =>
  withDb(async (db, orderId) => {
    const ids = new Set<string>();
    for (let i = 0; i < 40; i += 1) ids.add(await enqueueOrderConfirmation(db, confirmation(orderId, { buyerEmail: `buyer${i}@example.com` })));
    const mailer = fakeMailer({ delayMs: 5 });
    const drain = async () => {
      while ((await deliverOutbox(db, mailer, { batch: 3 })).claimed > 0);
    };
    await Promise.all([drain(), drain(), drain(), drain()]);

    const recipients = mailer.sent.map((message) => message.to);
    assert.equal(recipients.length, 40);
    assert.equal(new Set(recipients).size, 40);
    const statuses = await db.selectFrom('outbox').select(['status', 'attempts']).execute();
    assert.ok(statuses.every((s) => s.status === 'sent' && s.attempts === 1));
  }),
);

test('outbox: the worker delivers, and stop waits for the run in flight', { skip }, () =>
  withDb(async (db, orderId) => {
    const id = await enqueueOrderConfirmation(db, confirmation(orderId));
    const mailer = fakeMailer({ delayMs: 200 });
    const lines: object[] = [];
    const log = { info: (data: object) => lines.push(data), error: (data: object) => lines.push(data) };
    const worker = startOutboxWorker(db, mailer, { intervalMs: 10, log });
    while (mailer.calls() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await worker.stop();
    assert.equal((await row(db, id)).status, 'sent');
    assert.equal(mailer.calls(), 1);
    assert.ok(lines.length > 0);
    assert.ok(!JSON.stringify(lines).includes('@'), 'no address reaches the log');
  }),
);
