import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Told of every operator credential the guard refuses (audit, attack detection); set by the shield's hooks. */
    operatorAuthFailed?: (request: FastifyRequest) => void;
  }
}

/** Reads a bearer token, or undefined. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
