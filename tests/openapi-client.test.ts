import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import openapiTS, { type OpenAPI3 } from 'openapi-typescript';
import { testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

const TSC = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc');

/** A small typed fetch over the generated types: paths, methods, parameters, bodies and answers all come from the document. */
const CLIENT = `
import type { components, paths } from './api';

type Method<P extends keyof paths> = keyof paths[P] & string;
type Op<P extends keyof paths, M extends Method<P>> = paths[P][M];
type PathParams<O> = O extends { parameters: { path: infer X } } ? X : never;
type Headers<O> = O extends { parameters: { header?: infer H } } ? H : never;
export type BodyOf<P extends keyof paths, M extends Method<P>> =
  Op<P, M> extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
export type Answer<P extends keyof paths, M extends Method<P>, S extends number> =
  Op<P, M> extends { responses: infer R } ? (S extends keyof R ? (R[S] extends { content: { 'application/json': infer T } } ? T : never) : never) : never;
type Problem = components['schemas']['ErrorResponse'];

export interface Init<O> {
  params?: PathParams<O>;
  body?: O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
  headers?: Headers<O>;
  bearer?: string;
}

export async function call<P extends keyof paths, M extends Method<P>, S extends number>(
  base: string,
  method: M,
  path: P,
  status: S,
  init: Init<Op<P, M>> = {},
): Promise<Answer<P, M, S>> {
  const params = (init.params ?? {}) as Record<string, string>;
  const url = String(path).replace(/\\{(\\w+)\\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.bearer) headers.authorization = 'Bearer ' + init.bearer;
  const res = await fetch(base + url, { method: method.toUpperCase(), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (res.status !== status) {
    const problem = (await res.json()) as Problem;
    throw new Error(method + ' ' + url + ': ' + res.status + ' ' + problem.error.code + ' ' + problem.error.message);
  }
  return (await res.json()) as Answer<P, M, S>;
}
`;

/** A fan's purchase, start to end, as a third-party storefront would write it against the generated types. */
const PURCHASE = `
import { call, type BodyOf } from './client';

/**
 * The first free seat of the first performance on sale. The payment token comes from the card
 * form at order.payment.url (the payment provider's origin, outside this API): cardToken stands for it.
 */
export async function buyFirstFreeSeat(base: string, cardToken: (paymentUrl: string) => Promise<string>) {
  const events = await call(base, 'get', '/api/events', 200, {});
  const performance = events.flatMap((e) => e.performances).find((p) => p.status === 'on_sale');
  if (!performance) throw new Error('nothing on sale');
  const seatMap = await call(base, 'get', '/api/performances/{id}/availability', 200, { params: { id: performance.id } });
  const seat = seatMap.seats.find((s) => s.status === 'available');
  if (!seat) throw new Error('no seat left');
  const hold = await call(base, 'post', '/api/performances/{id}/holds', 201, {
    params: { id: performance.id },
    body: { seatIds: [seat.id] },
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  const expiresAt: Date = new Date(hold.expiresAt);
  const buyer: BodyOf<'/api/holds/{id}/order', 'post'> = { buyer: { name: 'Ana Rivera', email: 'ana@example.org', locale: 'es-PR' } };
  const order = await call(base, 'post', '/api/holds/{id}/order', 201, {
    params: { id: hold.holdId },
    bearer: hold.holdToken,
    body: buyer,
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  // The buyer fixes their name before paying.
  const corrected = await call(base, 'patch', '/api/orders/{id}/buyer', 200, {
    params: { id: order.orderId },
    bearer: order.accessToken,
    body: { buyer: { ...buyer.buyer, name: 'Ana Rivera Díaz' } },
  });
  const token = await cardToken(order.payment.url);
  const paid = await call(base, 'post', '/api/orders/{id}/payment', 200, { params: { id: order.orderId }, body: { token } });
  const codes: string[] = paid.tickets.map((t) => t.code);
  const read = await call(base, 'get', '/api/orders/{id}', 200, { params: { id: order.orderId }, bearer: order.accessToken });
  const total: number = read.total;
  return { orderId: order.orderId, holdExpiredAt: expiresAt, buyer: corrected.buyer.name, status: read.status, total, codes, seats: read.tickets.map((t) => t.label) };
}
`;

/** The same client misused: a body field the API does not take, and an answer field it does not give. */
const WRONG = `
import { call } from './client';

export async function wrongHold(base: string) {
  const hold = await call(base, 'post', '/api/performances/{id}/holds', 201, { params: { id: 'x' }, body: { seats: ['a'] } });
  return hold.token;
}
`;

function typecheck(dir: string, name: string, files: string[]): { status: number | null; output: string } {
  const config = join(dir, `tsconfig.${name}.json`);
  const compilerOptions = {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2022', 'dom'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files }));
  const run = spawnSync(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('openapi client', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    t = await testApp();
    const doc = (await t.app.inject('/api/openapi.json')).json() as OpenAPI3;
    dir = mkdtempSync(join(tmpdir(), 'taquilla-openapi-client-'));
    writeFileSync(join(dir, 'api.d.ts'), await openapiTS(doc, { silent: true }));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(join(dir, 'purchase.ts'), PURCHASE);
    writeFileSync(join(dir, 'wrong.ts'), WRONG);
  });
  after(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('openapi: a purchase written against types generated from the document type-checks', () => {
    const { status, output } = typecheck(dir, 'purchase', ['api.d.ts', 'client.ts', 'purchase.ts']);
    assert.equal(output.trim(), '');
    assert.equal(status, 0);
  });

  test('openapi: the same types refuse a body field and an answer field the API does not have', () => {
    const { status, output } = typecheck(dir, 'wrong', ['api.d.ts', 'client.ts', 'wrong.ts']);
    assert.notEqual(status, 0, output);
    const errors = output.split('\n').filter((line) => line.includes('error TS'));
    assert.ok(errors.length > 0 && errors.every((line) => line.startsWith('wrong.ts(')), output);
    assert.ok(
      errors.some((line) => line.includes("'seats'")),
      output,
    );
    assert.ok(
      errors.some((line) => /TS2339: Property 'token' does not exist/.test(line)),
      output,
    );
  });
});
