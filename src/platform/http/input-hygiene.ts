import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';

/**
 * What no text field of Taquilla may hold: NUL (PostgreSQL's text cannot store it, so it failed
 * deep inside a query as a 500) and UTF-16 surrogates without their pair (not Unicode at all: they
 * cannot be encoded as UTF-8, so they too ended as 500s, in a buyer's name or a search).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function flaw(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return undefined;
}

/**
 * The first bad string in a parsed value, with where it is (`body.buyer.name`); keys are checked
 * too. Walked with an explicit stack, so a deeply nested body cannot overflow the call stack.
 */
export function findBadText(root: unknown, rootPath: string): { field: string; problem: string } | undefined {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = flaw(value);
      if (problem) return { field: path, problem };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const problem = flaw(key);
        if (problem) return { field: path, problem: `has a property name that ${problem}` };
        stack.push([inner, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/**
 * A query string whose percent-escapes are not UTF-8 (a lone surrogate's bytes, a stray %FF): the
 * parser keeps such a value undecoded, so it is refused here, from the raw text.
 */
function badQuery(url: string): { field: string; problem: string } | undefined {
  const at = url.indexOf('?');
  if (at < 0 || !url.includes('%', at)) return undefined;
  for (const pair of url.slice(at + 1).split('&')) {
    const [name = '', value = ''] = pair.split('=', 2);
    try {
      decodeURIComponent(name.replace(/\+/g, ' '));
      decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return { field: `query.${name.replace(/%[0-9A-Fa-f]{2}/g, '?')}`, problem: 'is not valid percent-encoded UTF-8' };
    }
  }
  return undefined;
}

function check(request: FastifyRequest): void {
  const query = badQuery(request.url);
  if (query) throw badRequest('invalid_characters', `${query.field} ${query.problem}`, { field: query.field });
  for (const [part, value] of [
    ['params', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    if (value === undefined || value === null) continue;
    const found = findBadText(value, part);
    if (found) throw badRequest('invalid_characters', `${found.field} ${found.problem}`, { field: found.field });
  }
}

/**
 * One check at the edge of every route, before validation and before any handler: a path, query
 * or body with NUL or an unpaired surrogate in any string is refused with 400 naming the field,
 * so none is ever stored and none reaches PostgreSQL.
 */
export function registerInputHygiene(app: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request on the hot routes.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      check(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
}
