/**
 * Just enough HTTP/1.1 response parsing for the flood generator, which writes and reads the
 * protocol by hand over node:net (node:http's client costs about as much CPU per request as a
 * small server does, so it would limit the flood rather than the server).
 */
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const CODE = Buffer.from('"code":"');

export interface Parsed {
  status: number;
  /** Offset just past this answer. */
  end: number;
  /** The server said it closes the connection after this answer. */
  close: boolean;
  bodyStart: number;
  bodyEnd: number;
}

/** The answer starting at `from`, or undefined while it is incomplete. Throws on bytes that are not HTTP. */
export function parseAnswer(buf: Buffer, from: number): Parsed | undefined {
  const headEnd = buf.indexOf(HEAD_END, from);
  if (headEnd < 0) {
    if (buf.length - from > 64 * 1024) throw new Error('answer head larger than 64 KB');
    return undefined;
  }
  const head = buf.toString('latin1', from, headEnd);
  if (!head.startsWith('HTTP/1.')) throw new Error(`not an HTTP answer: ${JSON.stringify(head.slice(0, 40))}`);
  const status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  const close = /\r\nconnection: *close/.test(lower);
  const bodyStart = headEnd + 4;
  if (/\r\ntransfer-encoding: *chunked/.test(lower)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf(CRLF, at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (!Number.isFinite(size)) throw new Error('bad chunk size');
      if (size === 0) {
        const trailerEnd = buf.indexOf(CRLF, lineEnd + 2);
        if (trailerEnd < 0) return undefined;
        // Trailers are not expected; an empty line ends the message.
        const end = trailerEnd === lineEnd + 2 ? trailerEnd + 2 : buf.indexOf(HEAD_END, lineEnd) + 4;
        if (end < 4) return undefined;
        return { status, end, close, bodyStart, bodyEnd: lineEnd };
      }
      at = lineEnd + 2 + size + 2;
      if (at > buf.length) return undefined;
    }
  }
  const length = Number(/\r\ncontent-length: *(\d+)/.exec(lower)?.[1] ?? 0);
  const end = bodyStart + length;
  if (buf.length < end) return undefined;
  return { status, end, close, bodyStart, bodyEnd: end };
}

/** The `error.code` of a JSON error answer, or `-`. */
export function errorCode(buf: Buffer, p: Parsed): string {
  const at = buf.indexOf(CODE, p.bodyStart);
  if (at < 0 || at >= p.bodyEnd) return '-';
  const start = at + CODE.length;
  const stop = buf.indexOf(0x22, start);
  return stop < 0 || stop > p.bodyEnd || stop - start > 64 ? '-' : buf.toString('latin1', start, stop);
}
