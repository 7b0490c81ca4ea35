import type { WidgetConfig } from '../config.js';

/**
 * The HTML of the widgets' iframes, which the server places before `</body>`.
 *
 * - `sandbox="allow-scripts"` without `allow-same-origin`: the frame runs with an opaque origin,
 *   so it reaches neither its own nor our cookies and storage, and cannot navigate the page.
 * - `csp` (CSP Embedded Enforcement, Chromium): the policy the frame must run under. A frame whose
 *   response neither sends `Allow-CSP-From` nor a CSP at least as strong is refused, so a vendor
 *   that drops its header (or is made to) fails closed. It may not carry report-uri/report-to.
 * - `allow=""` delegates no powerful feature; `referrerpolicy` keeps our page addresses (which
 *   name performances and orders) from the vendor.
 *
 * Everything interpolated is escaped, and a widget whose origin or address is not a plain
 * http(s) origin is left out rather than written into a policy.
 */

const ORIGIN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

const escapeAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The widget's origin if its address is on it and both are plain http(s); otherwise undefined. */
function cleanOrigin(widget: WidgetConfig): string | undefined {
  let url: URL;
  try {
    url = new URL(widget.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return ORIGIN.test(widget.origin) && url.origin === widget.origin ? widget.origin : undefined;
}

/** The policy the frame's document must run under: its own origin, plus the API origins it names for connect-src. */
export function requiredCsp(widget: WidgetConfig): string {
  const origin = cleanOrigin(widget);
  if (!origin) throw new Error(`widget "${widget.name}" has no plain http(s) origin`);
  const connect = [origin, ...widget.connect.filter((o) => ORIGIN.test(o) && o !== origin)];
  return [
    "default-src 'none'",
    `script-src ${origin}`,
    `style-src ${origin}`,
    `img-src ${origin} data:`,
    `font-src ${origin}`,
    `connect-src ${connect.join(' ')}`,
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** One iframe per widget, in the order given. */
export function widgetFramesHtml(widgets: readonly WidgetConfig[]): string {
  return widgets
    .filter((w) => cleanOrigin(w) !== undefined)
    .map(
      (w) =>
        `<iframe class="tq-widget" data-widget="${escapeAttribute(w.name)}" src="${escapeAttribute(w.url)}" title="${escapeAttribute(w.title)}"` +
        ` sandbox="allow-scripts" referrerpolicy="no-referrer" allow="" csp="${escapeAttribute(requiredCsp(w))}"></iframe>`,
    )
    .join('');
}

/** The origins the page's own CSP must allow in `frame-src` for these widgets. */
export const widgetFrameSources = (widgets: readonly WidgetConfig[]): string[] => [
  ...new Set(widgets.map(cleanOrigin).filter((o): o is string => o !== undefined)),
];

/** A page with the frames placed before its last `</body>` (at the end when it has none). */
export function withWidgetFrames(page: string, frames: string): string {
  if (!frames) return page;
  const at = page.lastIndexOf('</body>');
  return at < 0 ? page + frames : page.slice(0, at) + frames + page.slice(at);
}
