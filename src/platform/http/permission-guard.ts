import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPermission, type Permission } from '../../accounts/permissions.js';
import { actorOf, type Principal, type Principals } from '../../accounts/principal.js';
import { audit } from '../audit.js';
import type { Config } from '../../config.js';
import { AppError } from '../errors.js';
import type { Db } from '../transaction.js';
import { eventOf, type ScopeRule } from './scope.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The one permission this route needs; every /api/admin route names one (checked at start-up). */
    permission?: Permission;
    /** Needs a second factor shown in the last five minutes (staff sessions). */
    sudo?: boolean;
    /** Where the event the route acts on is named, for principals limited to some events. */
    scope?: ScopeRule;
  }
  interface FastifyRequest {
    /** The checked credential of an operator route; set by the permission guard. */
    principal: Principal | undefined;
  }
  interface FastifyInstance {
    /** Every route's declared permission (`METHOD /url` -> permission), for the access review and the tests. */
    routePermissions: Map<string, { permission: Permission; sudo: boolean }>;
  }
}

export const STAFF_COOKIE = 'tq_staff';
const SUDO_MS = 5 * 60 * 1000;
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const lookups = new WeakMap<FastifyRequest, Promise<Principal | undefined>>();

/** Whether the request carries any operator credential at all (a refusal of one is a failed attempt). */
export const presentsCredential = (request: FastifyRequest): boolean => Boolean(request.headers.authorization || request.cookies?.[STAFF_COOKIE]);

/**
 * The principal behind a request, looked up once per request (the shield's gate asks first, to let
 * a valid credential past every layer; the guard asks again). A bearer token wins over a cookie.
 */
export function principalOf(principals: Principals, request: FastifyRequest): Promise<Principal | undefined> {
  let found = lookups.get(request);
  if (!found) {
    const header = request.headers.authorization;
    const cookie = request.cookies?.[STAFF_COOKIE];
    found = header?.startsWith('Bearer ')
      ? principals.fromBearer(header.slice(7))
      : header
        ? Promise.resolve(undefined)
        : cookie
          ? principals.fromStaffCookie(cookie)
          : Promise.resolve(undefined);
    lookups.set(request, found);
  }
  return found;
}

/**
 * A state-changing request authorised by a cookie must come from our own pages: its Origin (or,
 * without one, Sec-Fetch-Site) must say so. SameSite=Strict already keeps the cookie off
 * cross-site requests; this is the second lock (Copenhagen Book, "Cross-site request forgery").
 */
export function sameOrigin(request: FastifyRequest, config: Config): boolean {
  const origin = request.headers.origin;
  if (origin) {
    if (origin === new URL(config.baseUrl).origin) return true;
    const host = request.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
  }
  return request.headers['sec-fetch-site'] === 'same-origin';
}

/** For the routes a cookie authorises outside the guard (signing in, enrolling): refuses a request from another site. */
export function requireSameOrigin(request: FastifyRequest, config: Config): void {
  if (!SAFE.has(request.method) && !sameOrigin(request, config)) {
    throw new AppError('csrf_refused', 403, 'This request did not come from the console; reload it and try again');
  }
}

const forbidden = (permission: string, message: string) => new AppError('forbidden', 403, message, { permission });
/** The role has the permission, but not for this event: `scope: true` tells the two refusals apart. */
const outOfScope = (permission: string, message: string) => new AppError('forbidden', 403, message, { permission, scope: true });

/**
 * The one place operator routes are authorised. Each route names its permission in its config; at
 * start-up an /api/admin route without one stops the server (nothing is open by omission). Per
 * request: a credential (401 without one), the permission (403 `forbidden` naming it), the
 * same-origin check for cookies, the event scope, and a fresh second factor for sudo routes.
 * Every use of the break-glass token is audited.
 */
export function registerPermissionGuard(app: FastifyInstance, deps: { config: Config; db: Db; principals: Principals }): void {
  const { config, db, principals } = deps;
  app.decorateRequest('principal', undefined);
  const declared = new Map<string, { permission: Permission; sudo: boolean }>();
  app.decorate('routePermissions', declared);

  app.addHook('onRoute', (route) => {
    const permission = route.config?.permission;
    if (permission !== undefined && !isPermission(permission)) throw new Error(`Route ${route.url} names an unknown permission "${permission}"`);
    if (route.url.startsWith('/api/admin') && permission === undefined)
      throw new Error(`Operator route ${String(route.method)} ${route.url} names no permission`);
    if (permission)
      for (const method of [route.method].flat())
        if (method !== 'HEAD') declared.set(`${method} ${route.url}`, { permission, sudo: route.config?.sudo === true });
  });

  // Before the body is read: an unauthorised client cannot make the server parse a large body.
  app.addHook('onRequest', async (request) => {
    const { permission, sudo } = request.routeOptions.config;
    if (!permission) return;
    const principal = await principalOf(principals, request);
    if (!principal) {
      if (presentsCredential(request)) request.server.operatorAuthFailed?.(request);
      throw new AppError('unauthorized', 401, 'Sign in to the console, or send Authorization: Bearer <API key>');
    }
    request.principal = principal;
    if (principal.viaCookie) requireSameOrigin(request, config);
    if (!principal.permissions.has(permission)) throw forbidden(permission, `Your role may not do this (${permission})`);
    if (request.routeOptions.config.scope?.of === 'unscoped' && principal.eventIds) {
      throw outOfScope(permission, 'Your role is limited to chosen events; this is for roles that are not');
    }
    if (sudo && principal.kind === 'staff') {
      const at = principal.secondFactorAt?.getTime() ?? 0;
      if (Date.now() - at > SUDO_MS) {
        throw new AppError('sudo_required', 403, 'Confirm with your second factor to do this (POST /api/auth/staff/sudo)', { permission });
      }
    }
    if (principal.kind === 'break_glass') {
      await audit(db, {
        actor: actorOf(principal),
        action: 'accounts.break_glass.used',
        subjectType: 'route',
        subjectId: `${request.method} ${request.routeOptions.url}`,
        data: { address: request.ip },
      });
    }
  });

  // After validation, so the ids it looks up are well formed.
  app.addHook('preHandler', async (request) => {
    const { permission, scope } = request.routeOptions.config;
    const principal = request.principal;
    if (!permission || !scope || scope.of === 'unscoped' || !principal?.eventIds) return;
    const eventId = await eventOf(db, scope, request);
    if (eventId === undefined ? scope.required === true : !principal.eventIds.includes(eventId)) {
      throw outOfScope(permission, scope.required && eventId === undefined ? 'Name one of your events or performances' : 'This event is not one of yours');
    }
  });
}

/** How `audit` names whoever an operator route was authorised for. */
export const actorFor = (request: FastifyRequest): string => (request.principal ? actorOf(request.principal) : 'anonymous');
