import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Told of every operator credential the guard refuses (audit, attack detection); set by the shield's hooks. */
    operatorAuthFailed?: (request: FastifyRequest) => void;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether an Authorization header carries the admin token. Compares digests in constant time, so
 * neither the token's content nor its length leaks through timing; one SHA-256 of the header, so
 * the shield's gate can afford it on every operator request.
 */
export function adminTokenMatcher(adminToken: string): (authorization: string | undefined) => boolean {
  const expected = digest(adminToken);
  return (authorization) => {
    const given = authorization?.startsWith('Bearer ') ? authorization.slice(7) : '';
    return given !== '' && timingSafeEqual(digest(given), expected);
  };
}

/**
 * Guards operator routes with the admin token until staff accounts exist. A request that
 * presented a credential and was refused is reported (`operatorAuthFailed`): guessing is audited
 * and counted; a request with no Authorization header at all is only refused.
 */
export function adminGuard(adminToken: string) {
  const matches = adminTokenMatcher(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (matches(header)) return;
    if (header) request.server.operatorAuthFailed?.(request);
    throw new AppError('unauthorized', 401, 'An admin token is required: Authorization: Bearer <token>');
  };
}

/** Reads a bearer token, or undefined. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
