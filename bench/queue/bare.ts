import http from 'node:http';
import { flags, numberFlag, required } from '../checkout/common.js';

/**
 * The reference: a bare node:http server answering one constant body, the same bytes and headers
 * a queue-status answer has, so the gap to the real server is Fastify, the ticket check and the
 * answer's computation, not the size of the reply. Listens on 127.0.0.1 only.
 */
const f = flags(process.argv.slice(2));
const port = numberFlag(f, 'port', 0);
const body = Buffer.from(Buffer.from(required(f, 'body-base64'), 'base64').toString('utf8'));
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store' };

const server = http.createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 72_000; // as Fastify's default, so connections stay open the same way
server.listen(port, '127.0.0.1', () => console.log(`bare server on 127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
