/**
 * The console's catalogues: Spanish has every English key (the typecheck says so too) and, for
 * each, the same {placeholders}, so no message loses a value or shows a raw `{name}`; counted
 * messages come in .one/.other pairs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from '../web/src/console/i18n/en.js';
import { es } from '../web/src/console/i18n/es.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

test('console i18n: es has exactly the keys of en', () => {
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
});

test('console i18n: each Spanish message has the placeholders of its English one and is not empty', () => {
  const wrong: string[] = [];
  for (const [key, text] of Object.entries(en)) {
    const spanish = es[key as keyof typeof es];
    if (!spanish?.trim()) wrong.push(`${key}: empty`);
    else if (placeholders(spanish).join() !== placeholders(text).join()) wrong.push(`${key}: {${placeholders(text)}} in en, {${placeholders(spanish)}} in es`);
  }
  assert.deepEqual(wrong, []);
});

test('console i18n: counted messages come in .one/.other pairs with a {count}', () => {
  const keys = Object.keys(en);
  for (const key of keys.filter((k) => k.endsWith('.one') || k.endsWith('.other'))) {
    const base = key.replace(/\.(one|other)$/, '');
    assert.ok(keys.includes(`${base}.one`) && keys.includes(`${base}.other`), `${base} needs .one and .other`);
    assert.ok(en[key as keyof typeof en].includes('{count}'), `${key} shows {count}`);
  }
});
