import type { Permission } from '../permissions';
import { adminApi } from '../session';

/** GET /api/admin/api-keys, one key (its secret is never shown again after creation). */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  performanceIds: string[];
  status: 'active' | 'expired' | 'revoked';
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
}

/** A key has no second factor: it never administers access or switches the shield (the server refuses these). */
export const KEY_REFUSED: ReadonlySet<Permission> = new Set(['staff.manage', 'api_keys.manage', 'access.purge', 'shield.manage']);

export const listApiKeys = (signal?: AbortSignal) => adminApi<{ apiKeys: ApiKey[] }>('/api/admin/api-keys', { signal }).then((r) => r.apiKeys);

export const createApiKey = (body: { name: string; permissions: string[]; performanceIds?: string[]; expiresInDays: number }) =>
  adminApi<{ apiKey: ApiKey; token: string }>('/api/admin/api-keys', { method: 'POST', body });

export const revokeApiKey = (id: string) => adminApi<ApiKey>(`/api/admin/api-keys/${id}`, { method: 'DELETE' });
