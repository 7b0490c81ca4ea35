import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageClassOf } from './page-classes.js';

test('page classes: card and password pages are classed as such; the rest of the shop is buyer', () => {
  assert.equal(pageClassOf('/checkout/abc'), 'payment');
  assert.equal(pageClassOf('/account/sign-in'), 'account');
  assert.equal(pageClassOf('/account'), 'account');
  assert.equal(pageClassOf('/accounts'), 'buyer', 'a prefix is a whole path segment');
  assert.equal(pageClassOf('/checkoutx'), 'buyer');
  assert.equal(pageClassOf('/queue/x'), 'queue');
  assert.equal(pageClassOf('/console/shield'), 'operator');
  assert.equal(pageClassOf('/performances/x?checkout=1'), 'buyer', 'the query does not count');
});
