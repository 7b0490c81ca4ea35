/**
 * The build's seal (scripts/seal-web.ts): it refuses a page that would load a chunk the script
 * inventory does not approve for that page's classes, and otherwise writes the manifest with the
 * sha384 of every asset. Runs on a copy of web/dist.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseInventory } from '../src/security/script-inventory.js';

const dist = join('web', 'dist');
const skip = existsSync(join(dist, '.vite', 'manifest.json')) ? undefined : 'the front end is not built: run `npm run build:web`';
const committed = JSON.parse(readFileSync('security/script-inventory.json', 'utf8')) as { scripts: { id: string; chunks?: string[] }[] };

describe('seal-web', { skip }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function seal(inventory: unknown): { status: number | null; out: string; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'taquilla-seal-'));
    dirs.push(dir);
    cpSync(dist, join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seal-web.ts', join(dir, 'dist')], {
      env: { ...process.env, SCRIPT_INVENTORY: join(dir, 'inventory.json') },
      encoding: 'utf8',
    });
    return { status: run.status, out: `${run.stdout}${run.stderr}`, dir: join(dir, 'dist') };
  }

  test('seal: the committed inventory approves the build; the manifest holds every asset with its sha384', () => {
    const { status, out, dir } = seal(committed);
    assert.equal(status, 0, out);
    const manifest = JSON.parse(readFileSync(join(dir, 'build-manifest.json'), 'utf8'));
    assert.match(manifest.buildId, /^[0-9a-f]{16}$/);
    const checkout = manifest.pages['index.html'].scripts.find((s: { chunk: string }) => s.chunk === 'src/buyer/pages/checkout.tsx');
    assert.match(checkout.sha384, /^sha384-[A-Za-z0-9+/]{64}$/);
    assert.deepEqual(manifest.pages['index.html'].classes, ['payment', 'account', 'buyer']);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /<script type="importmap" nonce="TAQUILLA_NONCE_PLACEHOLDER">\{"integrity":\{/);
    for (const tag of html.match(/<(script|link)\b[^>]*(src|href)="\/assets\/[^"]+"[^>]*>/g) ?? []) assert.match(tag, /integrity="sha384-/, tag);
  });

  test('seal: a chunk the inventory does not name for a page class fails the build, naming it', () => {
    const withoutCheckout = { scripts: committed.scripts.filter((s) => s.id !== 'checkout') };
    const { status, out } = seal(withoutCheckout);
    assert.equal(status, 1);
    assert.match(out, /"src\/buyer\/pages\/checkout\.tsx" .* would run on payment pages, and the inventory does not approve it there/);
    // The console's chunks approved for the console only: not enough for a buyer page that loads them.
    const consoleOnly = structuredClone(committed);
    consoleOnly.scripts.find((s) => s.id === 'buyer-app')!.chunks = ['index.html', 'chunk:user-agent', 'chunk:trusted-types'];
    assert.match(seal(consoleOnly).out, /"chunk:jsxRuntime" .* would run on buyer pages/);
  });
});

test('inventory: every entry says why, who and what approved it; a widget is never approved for card or password pages', () => {
  const base = { id: 'x', kind: 'first-party', chunks: ['index.html'], classes: ['buyer'], purpose: 'p', owner: 'o', approved: 'a' };
  assert.equal(parseInventory({ scripts: [base] }).entries.length, 1);
  assert.throws(() => parseInventory({ scripts: [{ ...base, purpose: '' }] }), /needs a "purpose"/);
  assert.throws(() => parseInventory({ scripts: [base, base] }), /used twice/);
  assert.throws(() => parseInventory({ scripts: [{ ...base, classes: ['checkout'] }] }), /classes must list page classes/);
  const widget = { id: 'chat', kind: 'widget', origin: 'https://chat.example', classes: ['buyer'], purpose: 'p', owner: 'o', approved: 'a' };
  assert.equal(parseInventory({ scripts: [widget] }).entries[0]!.origin, 'https://chat.example');
  assert.throws(() => parseInventory({ scripts: [{ ...widget, classes: ['buyer', 'payment'] }] }), /may not be approved for payment/);
  assert.throws(() => parseInventory({ scripts: [{ ...widget, classes: ['account'] }] }), /may not be approved for account/);
  assert.throws(() => parseInventory({ scripts: [{ ...widget, origin: 'javascript:alert(1)' }] }), /origin must be an http/);
});
