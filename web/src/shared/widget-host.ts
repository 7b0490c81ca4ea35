import './widgets.css';

/**
 * The page's side of the third-party widgets the server places as `iframe.tq-widget` (sandboxed,
 * opaque origin). A widget may ask for one thing: to be opened or closed, which resizes its frame.
 * A message is taken only from one of those frames (its `source` is the frame's window, its origin
 * the string "null" of a sandboxed frame) and only in that shape; nothing else is ever read, and
 * the page sends the frames nothing. No markup is built from strings (the pages run under
 * Trusted Types): a class is switched, nothing more.
 */
const OPEN = 'tq-widget--open';

function widgetFrameOf(source: MessageEventSource | null): HTMLIFrameElement | undefined {
  if (!source) return undefined;
  for (const frame of document.querySelectorAll<HTMLIFrameElement>('iframe.tq-widget')) {
    if (frame.contentWindow === source) return frame;
  }
  return undefined;
}

/** The action a message asks of a widget frame, or undefined when it is not one to accept. */
export function widgetRequest(event: Pick<MessageEvent, 'origin' | 'source' | 'data'>): { frame: HTMLIFrameElement; open: boolean } | undefined {
  if (event.origin !== 'null') return undefined;
  const frame = widgetFrameOf(event.source);
  const data: unknown = event.data;
  if (!frame || typeof data !== 'object' || data === null) return undefined;
  const { type, action } = data as { type?: unknown; action?: unknown };
  if (type !== 'taquilla-widget' || (action !== 'open' && action !== 'close')) return undefined;
  return { frame, open: action === 'open' };
}

window.addEventListener('message', (event) => {
  const request = widgetRequest(event);
  if (request) request.frame.classList.toggle(OPEN, request.open);
});
