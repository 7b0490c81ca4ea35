import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { findBadText } from '../src/platform/http/input-hygiene.js';
import { admin, testApp, type TestApp } from './helpers/app.js';
import { databaseAvailable, skipReason } from './helpers/database.js';

/** The bytes the fuzz found answering 500: NUL, and UTF-16 surrogates without their pair. */
const BAD = { nul: 'a\u0000b', high: 'a\ud800b', low: 'a\udc00b' } as const;
/** A lone surrogate has no UTF-8 form, so in a path or query it can only arrive as its CESU-8 bytes. */
const BAD_ENCODED = { nul: 'a%00b', surrogate: 'a%ED%A0%80b' } as const;

interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  minItems?: number;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  schema: Schema;
  required?: boolean;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

const option = (s: Schema): Schema => s.anyOf?.[0] ?? s.oneOf?.[0] ?? s;

/** A value the schema accepts (for the fields not under test): the first enum member, a uuid, 1, ... */
function sample(schema: Schema): unknown {
  const s = option(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const key of s.required ?? []) out[key] = sample(s.properties?.[key] ?? {});
    return out;
  }
  if (type === 'array') return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(s.items ?? {}));
  if (type === 'integer' || type === 'number') return Math.max(1, s.minimum ?? 1);
  if (type === 'boolean') return true;
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
  if (s.format === 'email') return 'fan@example.com';
  return 'abc';
}

/** Every string a body can carry, as a path (`buyer.name`, `seatIds.0`), with how to build a body holding `bad` there. */
function stringFields(schema: Schema, path: string[] = []): string[][] {
  const s = option(schema);
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (type === 'string' && s.enum === undefined && s.const === undefined) return [path];
  if (type === 'object' || s.properties) return Object.entries(s.properties ?? {}).flatMap(([key, inner]) => stringFields(inner, [...path, key]));
  if (type === 'array' && s.items) return stringFields(s.items, [...path, '0']);
  return [];
}

function withValue(base: unknown, path: string[], value: string, schema: Schema): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const s = option(schema);
  if (head === '0') return [withValue(undefined, rest, value, s.items ?? {})];
  const obj = { ...(base as Record<string, unknown>) };
  obj[head] = withValue(obj[head] ?? sample(s.properties?.[head] ?? {}), rest, value, s.properties?.[head] ?? {});
  return obj;
}

describe('bad bytes at the edge', { skip: !databaseAvailable && skipReason }, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
  });
  after(async () => {
    await t?.close();
  });

  test('input: NUL and unpaired surrogates in any string, key or nesting are found and named', () => {
    assert.deepEqual(findBadText({ buyer: { name: BAD.nul } }, 'body'), { field: 'body.buyer.name', problem: 'contains a NUL character (U+0000)' });
    assert.equal(findBadText({ list: ['ok', BAD.low] }, 'body')?.field, 'body.list.1');
    assert.match(findBadText({ [BAD.high]: 1 }, 'body')?.problem ?? '', /property name/);
    assert.equal(findBadText({ emoji: 'olé 🎫 \ud83c\udfab' }, 'body'), undefined, 'paired surrogates are fine');
    let deep: unknown = BAD.nul;
    for (let i = 0; i < 50_000; i++) deep = [deep];
    assert.ok(findBadText(deep, 'body'), 'deep nesting is walked without overflowing the stack');
  });

  test('input: every string field of every route in the OpenAPI document refuses NUL and lone surrogates with 400 naming it', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
    const failures: string[] = [];
    let tried = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const params = op.parameters ?? [];
        const pathParams = params.filter((p) => p.in === 'path');
        const queryParams = params.filter((p) => p.in === 'query');
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        const pathFor = (bad?: { name: string; raw: string }) =>
          template.replace(/\{([^}]+)\}/g, (_, name: string) => {
            if (bad?.name === name) return bad.raw;
            const p = pathParams.find((x) => x.name === name);
            return encodeURIComponent(String(sample(p?.schema ?? {})));
          });
        const send = async (label: string, url: string, payload: unknown, field: string | undefined) => {
          tried++;
          const res = await t.app.inject({
            method: method.toUpperCase() as 'GET',
            url,
            // From our own pages: routes a cookie authorises check the origin before the body.
            headers: { ...admin, 'idempotency-key': randomUUID(), origin: t.ctx.config.baseUrl },
            payload: payload as object,
          });
          const body = res.json() as { error?: { code?: string; field?: string } };
          if (res.statusCode !== 400) failures.push(`${method.toUpperCase()} ${template} ${label}: ${res.statusCode} ${res.body.slice(0, 120)}`);
          else if (field && body.error?.field !== field)
            failures.push(`${method.toUpperCase()} ${template} ${label}: 400 names ${body.error?.field}, not ${field}`);
        };
        const baseBody = bodySchema ? sample(bodySchema) : undefined;
        // Path parameters: NUL decodes to a string that reaches the hook; a lone surrogate's bytes are not UTF-8.
        for (const p of pathParams) {
          await send(`path ${p.name} NUL`, pathFor({ name: p.name, raw: BAD_ENCODED.nul }), baseBody, `params.${p.name}`);
          await send(`path ${p.name} surrogate`, pathFor({ name: p.name, raw: BAD_ENCODED.surrogate }), baseBody, undefined);
        }
        for (const q of queryParams) {
          if (option(q.schema).type !== 'string' && option(q.schema).type !== undefined) continue;
          await send(`query ${q.name} NUL`, `${pathFor()}?${q.name}=${BAD_ENCODED.nul}`, baseBody, `query.${q.name}`);
          await send(`query ${q.name} surrogate`, `${pathFor()}?${q.name}=${BAD_ENCODED.surrogate}`, baseBody, undefined);
        }
        if (bodySchema) {
          for (const field of stringFields(bodySchema)) {
            for (const [kind, bad] of Object.entries(BAD)) {
              await send(`body ${field.join('.')} ${kind}`, pathFor(), withValue(baseBody, field, bad, bodySchema), ['body', ...field].join('.'));
            }
          }
        }
      }
    }
    console.log(`# metric ${tried} requests with bad bytes over ${Object.keys(doc.paths).length} documented paths`);
    assert.ok(tried > 100, `walked the document (${tried} requests)`);
    assert.deepEqual(failures, []);

    // Nothing half-written: no replacement character or NUL stored anywhere a string could land.
    const { rows } = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM venues WHERE name ~ '[\uFFFD]')
           + (SELECT count(*) FROM events WHERE title ~ '[\uFFFD]' OR slug ~ '[\uFFFD]')
           + (SELECT count(*) FROM orders WHERE buyer_name ~ '[\uFFFD]')
           + (SELECT count(*) FROM audit_log WHERE data::text ~ '[\uFFFD]') AS n`.execute(t.ctx.db);
    assert.equal(Number(rows[0]!.n), 0);
  });

  test('input: a raw body of an unparsed route (the payment webhook) with NUL is refused too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/payments/webhooks/test',
      headers: { 'content-type': 'application/json', 'taquilla-test-signature': 't=1,v1=00' },
      payload: '{"type":"payment.succeeded","sessionId":"a\\u0000b","token":"x"}\u0000',
    });
    assert.equal(res.statusCode, 400);
  });
});
