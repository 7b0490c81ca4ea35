import type { FastifyRequest } from 'fastify';
import type { AccessTokens } from '../access-tokens.js';
import { AppError } from '../errors.js';
import { bearer } from './admin-auth.js';

const HOW = {
  hold: 'This hold needs the holdToken returned when it was made: Authorization: Bearer <holdToken>',
  order: 'This order needs its access token: Authorization: Bearer <accessToken>',
} as const;

/**
 * The bearer token for one hold or order, checked before anything about it is read or changed.
 * A wrong token and an unknown id get the same answer, so ids cannot be probed.
 */
export function requireAccess(tokens: AccessTokens, what: keyof typeof HOW, id: string, request: FastifyRequest): void {
  if (!tokens.verify(id, bearer(request))) throw new AppError('unauthorized', 401, HOW[what]);
}

/** Whether the request carries the bearer token for this id (for answers that show more to it). */
export const hasAccess = (tokens: AccessTokens, id: string, request: FastifyRequest): boolean => tokens.verify(id, bearer(request));
