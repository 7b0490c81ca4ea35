import type { FastifyRequest } from 'fastify';
import type { Db } from '../transaction.js';

/**
 * Where a route names the thing it acts on, so a principal limited to some events (an event
 * manager) is checked against the event that thing belongs to. `of` says what the id is.
 */
export interface ScopeRule {
  /** `unscoped`: not for principals limited to some events at all (creating a new event). */
  of: 'event' | 'performance' | 'price_category' | 'order' | 'unscoped';
  /** Route parameter holding the id (default `id`), or `query:<name>` for a query parameter. */
  param?: string;
  /** A limited principal must name one (a list route that would otherwise show every event's data). */
  required?: boolean;
}

/** The event the route's id belongs to; undefined when it names none (the route then answers 404 itself). */
export async function eventOf(db: Db, rule: ScopeRule, request: FastifyRequest): Promise<string | undefined> {
  if (rule.of === 'unscoped') return undefined;
  const where = rule.param ?? 'id';
  const source = where.startsWith('query:') ? (request.query as Record<string, unknown>) : (request.params as Record<string, unknown>);
  const id = source?.[where.replace(/^query:/, '')];
  if (typeof id !== 'string') return undefined;
  switch (rule.of) {
    case 'event':
      return id;
    case 'performance':
      return (await db.selectFrom('performances').select('event_id').where('id', '=', id).executeTakeFirst())?.event_id;
    case 'price_category':
      return (await db.selectFrom('price_categories').select('event_id').where('id', '=', id).executeTakeFirst())?.event_id;
    case 'order':
      return (
        await db
          .selectFrom('orders')
          .innerJoin('performances', 'performances.id', 'orders.performance_id')
          .select('performances.event_id')
          .where('orders.id', '=', id)
          .executeTakeFirst()
      )?.event_id;
  }
}
