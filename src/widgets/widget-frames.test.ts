import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { requiredCsp, widgetFrameSources, widgetFramesHtml, withWidgetFrames } from './widget-frames.js';
import { CHAT, widget } from './widgets.fixtures.js';

/** The attributes of each iframe in the HTML, decoded as a browser would. */
function frames(html: string): Record<string, string>[] {
  const decode = (v: string) => v.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  return [...html.matchAll(/<iframe((?:\s+[a-z-]+="[^"]*")*)><\/iframe>/g)].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/\s+([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, decode(a[2]!)])),
  );
}

describe('widget frames', () => {
  test('widgets: the frame is sandboxed to scripts only (opaque origin), sends no referrer, delegates nothing and requires a policy', () => {
    const html = widgetFramesHtml([widget({ connect: ['https://api.chat.example'] })]);
    const [frame, ...more] = frames(html);
    assert.equal(more.length, 0);
    assert.equal(html.match(/<[a-z/]/g)?.length, 2, 'one iframe element and nothing else');
    assert.deepEqual(frame, {
      class: 'tq-widget',
      'data-widget': 'chat',
      src: `${CHAT}/chat`,
      title: 'Support chat',
      sandbox: 'allow-scripts',
      referrerpolicy: 'no-referrer',
      allow: '',
      csp:
        `default-src 'none'; script-src ${CHAT}; style-src ${CHAT}; img-src ${CHAT} data:; font-src ${CHAT}; ` +
        `connect-src ${CHAT} https://api.chat.example; form-action 'none'; base-uri 'none'`,
    });
    assert.doesNotMatch(html, /allow-same-origin|allow-top-navigation|allow-popups|allow-forms/);
    assert.doesNotMatch(frame!.csp!, /report-uri|report-to|'unsafe|\*/, 'the csp attribute may carry no reporting, and allows nothing broad');
  });

  test('widgets: every attribute is escaped; a widget whose origin is not plain, or not its address, is left out', () => {
    const hostile = widget({
      name: 'chat',
      title: '"><script>alert(1)</script><i a=\'',
      url: `${CHAT}/chat?next="><img src=x onerror=alert(1)>&a='b'`,
    });
    const html = widgetFramesHtml([hostile]);
    assert.equal(html.match(/</g)?.length, 2, `no markup of its own: ${html}`);
    assert.doesNotMatch(html, /'/, 'quotes of either kind are escaped');
    const [frame] = frames(html);
    assert.equal(frame?.title, hostile.title, 'the browser reads the title back exactly');
    assert.equal(frame?.src, hostile.url);

    const leftOut = [
      widget({ origin: "http://localhost:3002; script-src 'unsafe-inline'" }),
      widget({ origin: 'http://other.example' }),
      widget({ url: 'javascript:alert(1)//http://localhost:3002' }),
      widget({ url: 'not a url' }),
    ];
    for (const w of leftOut) assert.equal(widgetFramesHtml([w]), '', JSON.stringify(w));
    assert.throws(() => requiredCsp(leftOut[0]!));
    const sneaky = frames(widgetFramesHtml([widget({ connect: ['*', "'unsafe-eval'", 'https://ok.example; script-src *'] })]))[0];
    assert.match(sneaky!.csp!, new RegExp(`connect-src ${CHAT}; `), 'connect origins that are not plain origins are dropped');
  });

  test('widgets: frames go before the last </body>; the page CSP learns their origins', () => {
    const page = '<html><body><p>x</p><script>/* </body> */</script></body></html>';
    const placed = withWidgetFrames(page, '<iframe></iframe>');
    assert.equal(placed, '<html><body><p>x</p><script>/* </body> */</script><iframe></iframe></body></html>');
    assert.equal(withWidgetFrames(page, ''), page);
    assert.deepEqual(widgetFrameSources([widget(), widget({ name: 'b' }), widget({ origin: 'http://x.example' })]), [CHAT]);
  });
});
