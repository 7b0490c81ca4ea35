import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Guards operator routes with the admin token until staff accounts exist. Compares digests in
 * constant time, so neither the token's content nor its length leaks through timing.
 */
export function adminGuard(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      throw new AppError('unauthorized', 401, 'An admin token is required: Authorization: Bearer <token>');
    }
  };
}

/** Reads a bearer token, or undefined. */
export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : undefined;
}
