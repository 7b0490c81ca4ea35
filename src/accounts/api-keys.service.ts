import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Config } from '../config.js';
import { audit } from '../platform/audit.js';
import type { ApiKeyTable } from '../platform/database.types.js';
import { AppError, badRequest, notFound, PG, pgCode } from '../platform/errors.js';
import type { Db, Tx } from '../platform/transaction.js';
import { isPermission, type Permission } from './permissions.js';
import { actorOf, type ApiKeyResolver, type Principal } from './principal.js';
import { newSecret, sameSecret, sha256Hex } from './secrets.js';
import * as repo from './api-keys.repository.js';

/**
 * API keys for integrations and door scanners: `Authorization: Bearer tqk_<public id>_<secret>`.
 * Shown once at creation; only the SHA-256 of the secret is stored (256 random bits: a fast hash
 * is enough, and a leaked table opens nothing). The public id makes the lookup one indexed read.
 *
 * A key holds a subset of its creator's permissions, optionally only at some performances (a
 * scanner), and always expires. It has no second factor, so it can never do what needs a fresh
 * one: no key administers access (staff, keys, the purge), none holds a permission that any sudo
 * route needs (the shield switch, customers' forced resets, ...: `keyRefusedPermissions`), and a
 * key refunds only up to REFUND_SUDO_ABOVE, the amount above which a person must confirm.
 */
export const KEY_REFUSED: ReadonlySet<Permission> = new Set(['staff.manage', 'api_keys.manage', 'access.purge']);

/** KEY_REFUSED and the permission of every route that needs a fresh second factor. */
export function keyRefusedPermissions(routes: Iterable<{ permission: Permission; sudo: boolean }>): ReadonlySet<Permission> {
  const refused = new Set(KEY_REFUSED);
  for (const route of routes) if (route.sudo) refused.add(route.permission);
  return refused;
}
export const DEFAULT_EXPIRY_DAYS = 90;
const TOKEN = /^tqk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export type ApiKeyRow = Selectable<ApiKeyTable>;

export interface NewApiKey {
  name: string;
  permissions: string[];
  performanceIds?: string[];
  expiresInDays?: number;
}

/** 12 characters of [a-z0-9] (about 60 bits): unique, and short enough to recognise a key by. */
function newPublicId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(12), (b) => alphabet[b % 36]).join('');
}

export function apiKeyView(row: ApiKeyRow, now = Date.now()) {
  const status = row.revoked_at ? 'revoked' : row.expires_at.getTime() <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    prefix: `tqk_${row.public_id}`,
    permissions: row.permissions,
    performanceIds: row.performance_ids,
    status,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedReason: row.revoked_reason,
  };
}
export type ApiKeyView = ReturnType<typeof apiKeyView>;

/** What a principal may put in a key: known permissions it holds itself, none that needs a person. */
async function checkScope(
  db: Db,
  principal: Principal,
  input: NewApiKey,
  refusedForKeys: ReadonlySet<Permission>,
): Promise<{ permissions: Permission[]; performanceIds: string[] }> {
  const permissions = [...new Set(input.permissions)];
  const unknown = permissions.find((p) => !isPermission(p));
  if (unknown) throw badRequest('unknown_permission', `body.permissions names an unknown permission "${unknown}"`, { field: 'body.permissions' });
  const refused = (permissions as Permission[]).find((p) => refusedForKeys.has(p));
  if (refused) {
    throw badRequest('permission_not_for_keys', `body.permissions: "${refused}" needs a person with a fresh second factor; no key may hold it`, {
      field: 'body.permissions',
    });
  }
  const lacking = (permissions as Permission[]).find((p) => !principal.permissions.has(p));
  if (lacking) throw new AppError('forbidden', 403, `A key can hold only permissions you hold yourself; you lack ${lacking}`, { permission: lacking });
  if (principal.eventIds)
    throw new AppError('forbidden', 403, 'Your role is limited to chosen events; keys are made by roles that are not', {
      permission: 'api_keys.manage',
      scope: true,
    });

  const performanceIds = [...new Set(input.performanceIds ?? [])];
  if (performanceIds.length && !permissions.includes('checkin.scan')) {
    throw badRequest('invalid_request', 'body.performanceIds binds a scanner to performances: the key needs checkin.scan', { field: 'body.performanceIds' });
  }
  const found = await repo.existingPerformances(db, performanceIds);
  const missing = performanceIds.find((id) => !found.has(id));
  if (missing) throw badRequest('performance_not_found', `body.performanceIds: no performance with id ${missing}`, { field: 'body.performanceIds' });
  if (principal.performanceIds && (performanceIds.length === 0 || performanceIds.some((id) => !principal.performanceIds!.includes(id)))) {
    throw new AppError('forbidden', 403, 'You scan only at some performances; a key of yours must be bound to those', {
      permission: 'checkin.scan',
      scope: true,
    });
  }
  return { permissions: permissions as Permission[], performanceIds };
}

/** Creates a key and answers its token, once. `refusedForKeys`: see keyRefusedPermissions. */
export async function createApiKey(
  db: Db,
  principal: Principal,
  input: NewApiKey,
  refusedForKeys: ReadonlySet<Permission> = KEY_REFUSED,
): Promise<{ key: ApiKeyRow; token: string }> {
  const scope = await checkScope(db, principal, input, refusedForKeys);
  const actor = actorOf(principal);
  const secret = newSecret();
  for (let attempt = 1; ; attempt++) {
    const publicId = newPublicId();
    try {
      const key = await db.transaction().execute(async (tx) => {
        const row = await repo.insertApiKey(tx, {
          publicId,
          secretHash: sha256Hex(secret),
          name: input.name.trim(),
          permissions: scope.permissions,
          performanceIds: scope.performanceIds,
          createdBy: actor,
          expiresInDays: input.expiresInDays ?? DEFAULT_EXPIRY_DAYS,
        });
        await audit(tx, {
          actor,
          action: 'accounts.api_key.created',
          subjectType: 'api_key',
          subjectId: row.id,
          data: {
            name: row.name,
            prefix: `tqk_${publicId}`,
            permissions: row.permissions,
            performanceIds: row.performance_ids,
            expiresAt: row.expires_at.toISOString(),
          },
        });
        return row;
      });
      return { key, token: `tqk_${publicId}_${secret}` };
    } catch (error) {
      // Two keys drawing the same 60-bit public id: draw again.
      if (pgCode(error) !== PG.uniqueViolation || attempt >= 3) throw error;
    }
  }
}

/**
 * Revokes a key (`reason`: manual, dormant, purge). Revoking a revoked key changes nothing and
 * answers it as it is; an unknown id is a 404.
 */
export async function revokeApiKey(db: Db | Tx, actor: string, id: string, reason: string, data: Record<string, unknown> = {}): Promise<ApiKeyRow> {
  const revoked = await repo.revokeApiKey(db, id, actor, reason);
  if (!revoked) {
    const existing = await repo.findApiKey(db, id);
    if (!existing) throw notFound('api_key', id);
    return existing;
  }
  await audit(db, {
    actor,
    action: 'accounts.api_key.revoked',
    subjectType: 'api_key',
    subjectId: id,
    data: { name: revoked.name, prefix: `tqk_${revoked.public_id}`, reason, ...data },
  });
  return revoked;
}

/** The resolver `ctx.principals.useApiKeys` takes: the principal of a live key, or undefined. */
export function apiKeyResolver(deps: { config: Config; db: Db }): ApiKeyResolver {
  const { config, db } = deps;
  return async (token) => {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, publicId, secret] = match as unknown as [string, string, string];
    const row = await repo.findLiveApiKey(db, publicId);
    // Compared in constant time even though the hash is all that is stored: nothing to learn from timing.
    if (!row || !sameSecret(sha256Hex(secret), row.secret_hash)) return undefined;
    if (row.stale) await repo.markApiKeyUsed(db, row.id);
    return {
      kind: 'api_key',
      id: row.id,
      name: row.name,
      role: null,
      permissions: new Set(row.permissions.filter(isPermission)),
      eventIds: null,
      performanceIds: row.performance_ids.length > 0 ? row.performance_ids : null,
      refundLimit: config.refundSudoAbove,
      viaCookie: false,
    };
  };
}
