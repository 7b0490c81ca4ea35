/** The checkout's "did you mean" for email addresses (web/src/buyer/email-typo.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distance, suggestEmail } from '../web/src/buyer/email-typo.js';

test('email typo: common provider slips are caught and the fan’s own part is kept as typed', () => {
  const cases: [string, string][] = [
    ['ana@gmial.com', 'ana@gmail.com'],
    ['ana@gmail.con', 'ana@gmail.com'],
    ['ana@gmai.com', 'ana@gmail.com'],
    ['ana@gnail.com', 'ana@gmail.com'],
    ['Ana.Rivera@GMAIL.CMO', 'Ana.Rivera@gmail.com'],
    ['ana@gmail', 'ana@gmail.com'],
    ['jo@hotmial.com', 'jo@hotmail.com'],
    ['jo@hotmail.cm', 'jo@hotmail.com'],
    ['jo@outlok.com', 'jo@outlook.com'],
    ['jo@yaho.com', 'jo@yahoo.com'],
    ['jo@iclod.com', 'jo@icloud.com'],
    ['jo@icloud.co', 'jo@icloud.com'],
    ['jo@example.con', 'jo@example.com'],
    ['jo@example.cmo', 'jo@example.com'],
    ['jo@teatro.ogr', 'jo@teatro.org'],
  ];
  for (const [typed, meant] of cases) {
    assert.equal(suggestEmail(typed), meant, typed);
  }
});

test('email typo: right and unknown addresses get no suggestion', () => {
  for (const email of [
    'ana@gmail.com',
    'ana@yahoo.es',
    'ana@me.com',
    'ana@mac.com',
    'ana@mail.com',
    'ana@email.com',
    'ana@example.com',
    'ana@teatro.co',
    'ana@kulturhus.no',
    'ana@uni.edu',
    'ana@',
    '@gmail.com',
    'no-at-sign',
    '',
  ]) {
    assert.equal(suggestEmail(email), null, email);
  }
});

test('email typo: the distance counts a swap of neighbours as one edit', () => {
  assert.equal(distance('gmial', 'gmail'), 1);
  assert.equal(distance('gmail', 'gmail'), 0);
  assert.equal(distance('gml', 'gmail'), 2);
  assert.equal(distance('', 'abc'), 3);
});
