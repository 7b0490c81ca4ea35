import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageClassOf as webPageClassOf } from '../../web/src/shared/page-class.js';
import { pageClassOf } from './page-classes.js';

const paths = [
  '/',
  '/events/jazz',
  '/performances/0f8fad5b-d9cb-469f-a165-70867728950e',
  '/orders/0f8fad5b-d9cb-469f-a165-70867728950e?x=1',
  '/checkout',
  '/checkout/0f8fad5b-d9cb-469f-a165-70867728950e',
  '/checkoutx',
  '/account',
  '/account/sign-in',
  '/account/reset?token=abc#x',
  '/accounts',
  '/queue/0f8fad5b-d9cb-469f-a165-70867728950e',
  '/console',
  '/console/integrity',
  '/no/such/page',
];

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

test("page classes: the buyer app's copy decides every path as the server does (it reloads across classes)", () => {
  for (const path of paths) assert.equal(webPageClassOf(path), pageClassOf(path), path);
});
