import type { Config } from '../config.js';
import type { StaffRole } from '../platform/database.types.js';
import type { Db } from '../platform/transaction.js';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS } from './permissions.js';
import { sameSecret } from './secrets.js';
import { readSession } from './sessions.js';
import { findStaffById, markStaffUsed } from './staff.repository.js';

/**
 * Who is asking, once the credential is checked. Three kinds:
 * - `staff`: a person signed in with both factors (a session cookie in `signed_in` state);
 * - `api_key`: an integration or a door scanner (`Authorization: Bearer tqk_…`);
 * - `break_glass`: the deployment's admin token, while TAQUILLA_BREAK_GLASS allows it; every use
 *   is audited. Never a way into the console.
 *
 * `eventIds` / `performanceIds` are null when the principal is not limited to some.
 */
export interface Principal {
  kind: 'staff' | 'api_key' | 'break_glass';
  id: string;
  name: string;
  role: StaffRole | null;
  permissions: ReadonlySet<Permission>;
  eventIds: readonly string[] | null;
  performanceIds: readonly string[] | null;
  refundLimit: number | null;
  /** Staff: the session (its stored id) and when its second factor was last shown. */
  sessionId?: string;
  secondFactorAt?: Date | null;
  /** True when the credential came in a cookie: state-changing requests then need a same-origin check. */
  viaCookie: boolean;
}

/** How `audit` names the principal: `staff:<id>`, `key:<id>`, `break_glass`. */
export const actorOf = (p: Principal): string => (p.kind === 'break_glass' ? 'break_glass' : `${p.kind === 'staff' ? 'staff' : 'key'}:${p.id}`);

export type ApiKeyResolver = (token: string) => Promise<Principal | undefined>;

export function createPrincipals(deps: { config: Config; db: Db }) {
  const { config, db } = deps;
  let apiKeys: ApiKeyResolver = async () => undefined;
  const breakGlass: Principal = {
    kind: 'break_glass',
    id: 'break_glass',
    name: 'break-glass admin token',
    role: 'owner',
    permissions: new Set(PERMISSIONS),
    eventIds: null,
    performanceIds: null,
    refundLimit: null,
    viaCookie: false,
  };

  return {
    /** API keys are checked by their own part; it registers its resolver here. */
    useApiKeys(resolver: ApiKeyResolver): void {
      apiKeys = resolver;
    },

    /** The principal of a bearer token: the break-glass token (while allowed) or an API key. */
    async fromBearer(token: string): Promise<Principal | undefined> {
      if (config.breakGlass && sameSecret(token, config.adminToken)) return breakGlass;
      if (token.startsWith('tqk_')) return apiKeys(token);
      return undefined;
    },

    /** The principal of a staff session cookie, when the session is fully signed in and the account active. */
    async fromStaffCookie(secret: string): Promise<Principal | undefined> {
      const session = await readSession(db, 'staff', secret);
      if (session?.state !== 'signed_in') return undefined;
      const staff = await findStaffById(db, session.subjectId);
      if (staff?.status !== 'active') return undefined;
      await markStaffUsed(db, staff.id);
      return {
        kind: 'staff',
        id: staff.id,
        name: staff.name || staff.email,
        role: staff.role,
        permissions: ROLE_PERMISSIONS[staff.role],
        eventIds: staff.role === 'event_manager' ? staff.event_ids : null,
        performanceIds: staff.role === 'door' && staff.performance_ids.length > 0 ? staff.performance_ids : null,
        refundLimit: staff.role === 'box_office' ? (staff.refund_limit ?? 0) : null,
        sessionId: session.id,
        secondFactorAt: session.secondFactorAt,
        viaCookie: true,
      };
    },
  };
}
export type Principals = ReturnType<typeof createPrincipals>;
